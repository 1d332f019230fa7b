// name: derive_same_qualification
// question: Which awards of different provisions reward the same honour at a compatible level (equal, or either side any level), derived from REWARDS?
// params: none
// mode: read
MATCH (a:Incentive)-[ra:REWARDS]->(qa:Qualification), (b:Incentive)-[rb:REWARDS]->(qb:Qualification)
WHERE qa.name = qb.name AND a.provision_seq <> b.provision_seq AND a.id < b.id
  AND (qa.level IS NULL OR qb.level IS NULL OR qa.level = qb.level)
RETURN DISTINCT a.id AS from, b.id AS to, 'qualification:' + qa.name AS rule
ORDER BY from, to, rule
