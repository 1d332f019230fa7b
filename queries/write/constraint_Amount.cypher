// name: write/constraint_Amount
// question: Schema: every :Amount node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT amount_uid IF NOT EXISTS
FOR (n:Amount) REQUIRE n.uid IS UNIQUE
