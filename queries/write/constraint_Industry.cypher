// name: write/constraint_Industry
// question: Schema: every :Industry node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT industry_uid IF NOT EXISTS
FOR (n:Industry) REQUIRE n.uid IS UNIQUE
