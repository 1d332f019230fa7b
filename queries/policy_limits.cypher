// name: policy_limits
// question: Which limits does a policy state once for all its awards (就高不重复, 同一项目…不重复享受), with their quotes?
// params: none
// mode: read
MATCH (p:Policy)-[:LIMITED_BY]->(r:Rule)
RETURN p.number AS policy, p.title AS title, r.kind AS kind, r.quote AS quote
ORDER BY policy, kind
