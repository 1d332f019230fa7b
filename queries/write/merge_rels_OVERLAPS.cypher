// name: write/merge_rels_OVERLAPS
// question: Load: MERGE a batch of :OVERLAPS relationships (one per kind and rule between two incentives) between nodes found by element id and replace their properties (idempotent).
// params: $rows (list) [{start: elementId, end: elementId, props: map with kind and rule}], props without null values
// mode: write
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
MERGE (a)-[r:OVERLAPS {kind: row.props.kind, rule: row.props.rule}]->(b)
SET r = row.props
RETURN count(r) AS written
