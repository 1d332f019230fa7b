// name: policy_references
// question: Which policies refer to other policies (through one of their provisions), and how is the reference written?
// params: none
// mode: read
MATCH (p:Policy)-[:HAS_PROVISION]->(v:Provision)-[r:REFERS_TO]->(q:Policy)
RETURN p.number AS policy, p.title AS policy_title, v.seq AS provision,
       q.number AS refers_to, q.title AS refers_to_title, r.how AS how, r.as_written AS as_written
ORDER BY policy, provision, refers_to
