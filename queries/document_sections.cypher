// name: document_sections
// question: How is each document's text organised: its sections (第一章, 一、, (一) ...) from the top, with the provisions each holds directly?
// params: none
// mode: read
MATCH (s:Section)
OPTIONAL MATCH (s)-[:PART_OF]->(up)
RETURN s.document AS document, s.number AS number, s.level AS level, s.number_as_written AS number_as_written,
       s.title AS title, CASE WHEN up:Section THEN up.number END AS parent,
       COUNT { MATCH (v:Provision)-[:IN_SECTION]->(s) } AS provisions
ORDER BY document, number
