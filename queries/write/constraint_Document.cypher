// name: write/constraint_Document
// question: Schema: every :Document node has a unique uid (and MERGE on it is an index seek). Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT document_uid IF NOT EXISTS
FOR (n:Document) REQUIRE n.uid IS UNIQUE
