// name: write/add_labels
// question: Load: add a node's secondary labels (beyond its primary one) by element id; dynamic labels, Neo4j 5.26+.
// params: $rows (list) [{id: elementId, labels: [string]}]
// mode: write
UNWIND $rows AS row
MATCH (n) WHERE elementId(n) = row.id
SET n:$(row.labels)
RETURN count(n) AS labelled
