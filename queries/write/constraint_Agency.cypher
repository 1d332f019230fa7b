// name: write/constraint_Agency
// question: Schema: every :Agency node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT agency_uid IF NOT EXISTS
FOR (n:Agency) REQUIRE n.uid IS UNIQUE
