// name: provisions_in_force
// question: Which provisions belong to a policy in force on a given date (validity dates inclusive; a policy whose end of validity is unknown is never in force)?
// params: $date (date) the day, YYYY-MM-DD, e.g. 2026-11-28
// mode: read
WITH date($date) AS day
MATCH (p:Policy)-[:HAS_PROVISION]->(v:Provision)
WHERE (p.effective_from IS NULL OR date(p.effective_from) <= day)
  AND (p.effective_until IS NULL OR date(p.effective_until) >= day)
  AND coalesce(p.validity_known, true)
OPTIONAL MATCH (v)-[resp:RESPONSIBLE]->(a:Agency)
WITH p, v, resp, a ORDER BY resp.position
WITH p, v, collect(CASE WHEN resp.role = 'lead' THEN a.name END) AS agencies,
     collect(CASE WHEN resp.role = 'cooperating' THEN a.name END) AS cooperating
RETURN v.seq AS seq, v.title AS title, p.number AS policy, p.title AS policy_title,
       v.industry AS industry, agencies, cooperating, p.effective_until AS effective_until
ORDER BY seq
