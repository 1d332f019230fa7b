// name: overlaps_of_incentive
// question: Which awards overlap with one incentive (either direction), and why?
// params: $id (string) the incentive id, e.g. 24.3
// mode: read
MATCH (a:Incentive {id: $id})-[o:OVERLAPS]-(b:Incentive)
RETURN o.kind AS kind, o.rule AS rule, b.id AS other, b.name AS other_name, b.provision_seq AS other_seq,
       b.policy_number AS other_policy, o.stake_wan AS stake_wan, o.reason AS reason
ORDER BY kind, coalesce(o.stake_wan, -1) DESC, other
