// name: write/delete_graph
// question: Load --replace: delete every node carrying one of the graph's labels, with its relationships (other data is left alone).
// params: $labels (list) the labels to clear, e.g. ["Policy","Provision"]
// mode: write
MATCH (n)
WHERE any(label IN labels(n) WHERE label IN $labels)
DETACH DELETE n
RETURN count(*) AS deleted
