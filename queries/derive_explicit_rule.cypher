// name: derive_explicit_rule
// question: Which awards does the text's own limits tie together, derived from the LIMITED_BY/Rule structure (a shared rule: each pair; a rule of one award: itself; budgets left out)?
// params: none
// mode: read
MATCH (a:Incentive)-[:LIMITED_BY]->(r:Rule)
WHERE r.kind <> 'budget'
WITH r, collect(a) AS members
UNWIND members AS a
UNWIND members AS b
WITH r, members, a, b
WHERE (size(members) = 1 AND NOT r.kind IN ['one_per_year', 'alternative'])
   OR (size(members) > 1 AND a.id < b.id)
RETURN a.id AS from, b.id AS to, r.uid AS rule, r.kind AS limit_kind, r.quote AS quote
ORDER BY rule, from, to
