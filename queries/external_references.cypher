// name: external_references
// question: Which documents outside the compilation do the policies cite (by number or title), and from which provisions?
// params: none
// mode: read
MATCH (p:Policy)-[:HAS_PROVISION]->(v:Provision)-[r:REFERS_TO]->(d:Document {kind: 'external'})
RETURN d.number AS document_number, d.title AS document_title, p.number AS policy, v.seq AS provision,
       r.as_written AS as_written
ORDER BY document_number, document_title, policy, provision
