// name: counts
// question: How many nodes carry each label, and how many relationships of each type? (the parity check with the in-memory graph)
// params: none
// mode: read
CALL {
  MATCH (n)
  UNWIND labels(n) AS name
  RETURN 'label' AS kind, name, count(*) AS count
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS kind, type(r) AS name, count(*) AS count
}
RETURN kind, name, count
ORDER BY kind, name
