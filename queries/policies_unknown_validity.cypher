// name: policies_unknown_validity
// question: Which policies have a validity the documents do not state or that was not understood (never counted as in force), and why?
// params: none
// mode: read
MATCH (p:Policy) WHERE p.validity_known = false
RETURN p.number AS number, p.title AS title, p.effective_from AS effective_from, p.validity_warning AS warning
ORDER BY number
