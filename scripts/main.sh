#!/usr/bin/env bash
# The main job, no server needed: install, then read the bundled compilation and write
# into ./out/ its graph, the overlap report, the interactive view, one enterprise's
# awards and a matched register (with its projects table); the summary and today's provisions go to the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
PK=.venv/bin/policykg
# One day for everything in out/ (each file states it); POLICYKG_AS_OF=YYYY-MM-DD answers for another.
as_of=${POLICYKG_AS_OF:-$(date +%F)}
$PK build --as-of "$as_of"
$PK provisions --as-of "$as_of" --in-force-on "$as_of"
$PK export --format json -o out/graph.json          # the graph itself: the same on every day
$PK overlaps --as-of "$as_of" --format markdown -o out/overlaps.md
$PK view --as-of "$as_of" -o out/graph.html
# The example firm with awards in force in December 2026 (an AI firm, policy 2 and 3 end 2026-12-31):
# its answer says which of its policies end within 90 days
$PK eligible docs/examples/ai-firm.yaml --as-of "$as_of" | sed -n '1,3p'
$PK eligible docs/examples/ai-firm.yaml --as-of "$as_of" --format markdown > out/eligible-ai-firm.md
echo "wrote out/eligible-ai-firm.md (markdown, as of $as_of)" >&2
$PK match docs/examples/register.csv --projects docs/examples/projects.csv --as-of "$as_of" -o out/matches.csv
echo "main: wrote $(ls out | tr '\n' ' ')to ./out (answers as of $as_of)"
