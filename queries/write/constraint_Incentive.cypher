// name: write/constraint_Incentive
// question: Schema: every :Incentive node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT incentive_uid IF NOT EXISTS
FOR (n:Incentive) REQUIRE n.uid IS UNIQUE
