// name: write/constraint_Section
// question: Schema: every :Section node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT chapter_uid IF NOT EXISTS
FOR (n:Section) REQUIRE n.uid IS UNIQUE
