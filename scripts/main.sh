#!/usr/bin/env bash
# The main job, no server needed: install, then read the bundled compilation and write
# into ./out/ its graph, the overlap report, the interactive view, one enterprise's
# awards and a matched register; the summary and today's provisions go to the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
PK=.venv/bin/policykg
today=$(date +%F)
$PK build
$PK provisions --in-force-on "$today"
$PK export --format json -o out/graph.json
$PK overlaps --format markdown -o out/overlaps.md
$PK view -o out/graph.html
$PK eligible docs/examples/software-firm.yaml --format markdown > out/eligible-software-firm.md
$PK match docs/examples/register.csv -o out/matches.csv
echo "main: wrote $(ls out | tr '\n' ' ')to ./out (answers as of $today)"
