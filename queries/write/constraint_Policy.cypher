// name: write/constraint_Policy
// question: Schema: every :Policy node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT policy_uid IF NOT EXISTS
FOR (n:Policy) REQUIRE n.uid IS UNIQUE
