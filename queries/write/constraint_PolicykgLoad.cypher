// name: write/constraint_PolicykgLoad
// question: Schema: one :PolicykgLoad lock node per name, so two loads MERGE-ing it wait for each other. Idempotent.
// params: none
// mode: write
CREATE CONSTRAINT policykg_load_name IF NOT EXISTS
FOR (n:PolicykgLoad) REQUIRE n.name IS UNIQUE
