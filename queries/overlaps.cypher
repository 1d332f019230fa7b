// name: overlaps
// question: Which awards overlap (the OVERLAPS relationships `policykg load` wrote), grouped by kind, largest stake first, with both sides' provision and policy?
// params: none
// mode: read
MATCH (a:Incentive)-[o:OVERLAPS]->(b:Incentive)
MATCH (va:Provision)-[:OFFERS]->(a)
MATCH (vb:Provision)-[:OFFERS]->(b)
RETURN o.kind AS kind, o.rule AS rule, a.id AS from, a.name AS from_name, va.seq AS from_seq,
       va.policy_number AS from_policy, b.id AS to, b.name AS to_name, vb.seq AS to_seq,
       vb.policy_number AS to_policy, o.stake_wan AS stake_wan, o.reason AS reason,
       o.window_from AS window_from, o.window_until AS window_until
ORDER BY CASE o.kind WHEN 'explicit_rule' THEN 0 WHEN 'same_qualification' THEN 1
                     WHEN 'same_cost_base' THEN 2 WHEN 'defers_to' THEN 3 ELSE 4 END,
         coalesce(o.stake_wan, -1) DESC, from, to, rule
