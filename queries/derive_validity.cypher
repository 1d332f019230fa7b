// name: derive_validity
// question: Which awards pay under a policy that expires before they do, and from when to when do they point at an expired policy (validity dates inclusive)?
// params: none
// mode: read
MATCH (a:Incentive)-[:DEFERS_TO]->(q:Policy)-[:HAS_PROVISION]->(:Provision)-[:OFFERS]->(t:Incentive)
WHERE t <> a
WITH a, q, collect(t) AS offered
WITH a, q, offered, [t IN offered WHERE a.project_kind IS NOT NULL AND t.project_kind = a.project_kind] AS same
UNWIND CASE WHEN size(same) > 0 THEN same ELSE offered END AS t
MATCH (own:Policy)-[:HAS_PROVISION]->(:Provision)-[:OFFERS]->(a)
WITH a, t, q, coalesce(a.effective_until, own.effective_until) AS until
WHERE q.effective_until IS NOT NULL AND (until IS NULL OR until > q.effective_until)
RETURN a.id AS from, t.id AS to, 'policy:' + toString(q.number) AS rule,
       toString(date(q.effective_until) + duration({days: 1})) AS window_from, until AS window_until
ORDER BY from, to
