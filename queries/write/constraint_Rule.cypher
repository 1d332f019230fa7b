// name: write/constraint_Rule
// question: Schema: every :Rule node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT rule_uid IF NOT EXISTS
FOR (n:Rule) REQUIRE n.uid IS UNIQUE
