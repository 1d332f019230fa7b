// name: write/merge_nodes_Section
// question: Load: MERGE a batch of :Section nodes on uid and replace their properties (idempotent); returns each node's element id for the relationship batches.
// params: $rows (list) [{uid: string, props: map}], props without null values
// mode: write
UNWIND $rows AS row
MERGE (n:Section {uid: row.uid})
SET n = row.props
RETURN row.uid AS uid, elementId(n) AS id
