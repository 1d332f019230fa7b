// name: write/constraint_Qualification
// question: Schema: every :Qualification node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT qualification_uid IF NOT EXISTS
FOR (n:Qualification) REQUIRE n.uid IS UNIQUE
