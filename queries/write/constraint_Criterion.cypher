// name: write/constraint_Criterion
// question: Schema: every :Criterion node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT criterion_uid IF NOT EXISTS
FOR (n:Criterion) REQUIRE n.uid IS UNIQUE
