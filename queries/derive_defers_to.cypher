// name: derive_defers_to
// question: Which awards pay under another policy's awards (DEFERS_TO a policy: its awards of the same project kind if any, else all), and which pairs of provisions pay under the same outside document?
// params: none
// mode: read
MATCH (a:Incentive)-[:DEFERS_TO]->(q:Policy)-[:HAS_PROVISION]->(:Provision)-[:OFFERS]->(t:Incentive)
WHERE t <> a
WITH a, q, collect(t) AS offered
WITH a, q, offered, [t IN offered WHERE a.project_kind IS NOT NULL AND t.project_kind = a.project_kind] AS same
UNWIND CASE WHEN size(same) > 0 THEN same ELSE offered END AS t
RETURN a.id AS from, t.id AS to, 'policy:' + toString(q.number) AS rule
UNION
MATCH (a:Incentive)-[:DEFERS_TO]->(d:Document)<-[:DEFERS_TO]-(b:Incentive)
WHERE a.provision_seq <> b.provision_seq AND a.id < b.id
RETURN a.id AS from, b.id AS to, 'document:' + coalesce(d.number, d.title) AS rule
