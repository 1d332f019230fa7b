// name: write/merge_rels_IN_SECTION
// question: Load: MERGE a batch of :IN_SECTION relationships between nodes found by element id and replace their properties (idempotent).
// params: $rows (list) [{start: elementId, end: elementId, props: map}], props without null values
// mode: write
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
MERGE (a)-[r:IN_SECTION]->(b)
SET r = row.props
RETURN count(r) AS written
