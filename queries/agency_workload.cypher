// name: agency_workload
// question: Which agencies are responsible for how many provisions (as lead or only cooperating), and in which policies?
// params: none
// mode: read
MATCH (a:Agency)<-[resp:RESPONSIBLE]-(v:Provision)<-[:HAS_PROVISION]-(p:Policy)
WITH a, resp, v, p ORDER BY p.number
WITH a, count(DISTINCT v) AS provisions,
     count(DISTINCT CASE WHEN resp.role = 'lead' THEN v END) AS lead,
     collect(DISTINCT p.number) AS policies
RETURN a.name AS agency, a.full_name AS full_name, provisions, lead,
       provisions - lead AS cooperating_only, size(policies) AS policy_count, policies
ORDER BY provisions DESC, agency
