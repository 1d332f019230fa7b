// name: write/constraint_Tier
// question: Schema: every :Tier node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT tier_uid IF NOT EXISTS
FOR (n:Tier) REQUIRE n.uid IS UNIQUE
