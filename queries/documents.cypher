// name: documents
// question: Which documents were read into the graph, with their layout, 文号, issuer, dates and how many policies and provisions each holds?
// params: none
// mode: read
MATCH (d:Document) WHERE d.kind <> 'external'
OPTIONAL MATCH (d)-[:CONTAINS]->(p:Policy)
WITH d, count(p) AS policies
RETURN d.uid AS document, d.file_name AS file, d.layout AS layout, d.title AS title, d.number AS number,
       d.issuer AS issuer, d.issued_on AS issued_on, policies,
       COUNT { MATCH (v:Provision) WHERE v.document = d.uid } AS provisions, d.sha256 AS sha256
ORDER BY file
