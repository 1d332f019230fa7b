// name: write/constraint_Provision
// question: Schema: every :Provision node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT provision_uid IF NOT EXISTS
FOR (n:Provision) REQUIRE n.uid IS UNIQUE
