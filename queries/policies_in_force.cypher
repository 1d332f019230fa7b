// name: policies_in_force
// question: Which policies are in force on a given date (validity dates inclusive; a policy whose end of validity is unknown is never in force), with their provision counts?
// params: $date (date) the day, YYYY-MM-DD, e.g. 2026-11-28
// mode: read
WITH date($date) AS day
MATCH (p:Policy)
WHERE (p.effective_from IS NULL OR date(p.effective_from) <= day)
  AND (p.effective_until IS NULL OR date(p.effective_until) >= day)
  AND coalesce(p.validity_known, true)
RETURN p.number AS number, p.title AS title, p.effective_from AS effective_from,
       p.effective_until AS effective_until, COUNT { (p)-[:HAS_PROVISION]->(:Provision) } AS provisions
ORDER BY number
