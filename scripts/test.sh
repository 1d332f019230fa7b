#!/usr/bin/env bash
# Install everything the tests need, start a throwaway Neo4j 5.26 from Maven Central,
# run the whole suite against it, and stop it again. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1

# The tests empty the database they use, so they take their own variables, never NEO4J_URI.
# scripts/neo4j.sh starts its server with NEO4J_PASSWORD (default policykg-test-pw) on NEO4J_BOLT_PORT.
export NEO4J_PASSWORD=${POLICYKG_TEST_NEO4J_PASSWORD:-policykg-test-pw}
export POLICYKG_TEST_NEO4J_PASSWORD=$NEO4J_PASSWORD
export POLICYKG_TEST_NEO4J_URI=${POLICYKG_TEST_NEO4J_URI:-bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}}
export POLICYKG_TEST_NEO4J_HTTP_URL=${POLICYKG_TEST_NEO4J_HTTP_URL:-http://127.0.0.1:${NEO4J_HTTP_PORT:-7474}}  # Neo4j Browser

started=0
if scripts/neo4j.sh status >/dev/null 2>&1; then
  echo "test: using the Neo4j already running ($(scripts/neo4j.sh version))"
elif scripts/neo4j.sh start; then
  started=1
  echo "test: Neo4j started: $(scripts/neo4j.sh version)"
else
  # Under CI=true the Neo4j tests then fail (they never skip there).
  echo "test: could not start Neo4j; the Neo4j tests will fail under CI=true, skip otherwise" >&2
fi
cleanup() { [ "$started" = 1 ] && scripts/neo4j.sh stop >/dev/null 2>&1; }
trap cleanup EXIT

.venv/bin/python -m pytest -ra "$@"
