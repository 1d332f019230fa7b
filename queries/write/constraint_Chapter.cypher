// name: write/constraint_Chapter
// question: Schema: every :Chapter node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT chapter_uid IF NOT EXISTS
FOR (n:Chapter) REQUIRE n.uid IS UNIQUE
