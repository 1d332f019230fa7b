// name: policy_provisions
// question: Which provisions (干货) does a policy contain, in document order, with their industry and lead agencies?
// params: $number (int) the policy's number, e.g. 3
// mode: read
MATCH (p:Policy {number: $number})-[:HAS_PROVISION]->(v:Provision)
OPTIONAL MATCH (v)-[resp:RESPONSIBLE]->(a:Agency)
WITH p, v, resp, a ORDER BY resp.position
WITH p, v, collect(CASE WHEN resp.role = 'lead' THEN a.name END) AS agencies
RETURN v.seq AS seq, v.title AS title, p.number AS policy, p.title AS policy_title,
       v.industry AS industry, agencies, v.text_repaired AS text
ORDER BY seq
