// name: overlaps_of_kind
// question: Which awards overlap in one way (explicit_rule, same_qualification, same_cost_base, defers_to or validity), largest stake first?
// params: $kind (string) the overlap kind, e.g. same_qualification
// mode: read
MATCH (a:Incentive)-[o:OVERLAPS {kind: $kind}]->(b:Incentive)
MATCH (va:Provision)-[:OFFERS]->(a)
MATCH (vb:Provision)-[:OFFERS]->(b)
RETURN o.rule AS rule, a.id AS from, a.name AS from_name, va.seq AS from_seq, va.policy_number AS from_policy,
       b.id AS to, b.name AS to_name, vb.seq AS to_seq, vb.policy_number AS to_policy,
       o.stake_wan AS stake_wan, o.reason AS reason, o.quote_from AS quote_from, o.quote_to AS quote_to,
       o.window_from AS window_from, o.window_until AS window_until
ORDER BY coalesce(o.stake_wan, -1) DESC, from, to, rule
