#!/usr/bin/env bash
# The main job, no server needed: install, then read the bundled compilation and write
# its summary, the provisions in force today, the graph export, the overlap report and
# the interactive view into ./out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
PK=.venv/bin/policykg
$PK build
$PK provisions --in-force-on "$(date +%F)"
$PK export --format json -o out/graph.json
for cmd in overlaps view; do
  if $PK "$cmd" --help >/dev/null 2>&1; then
    case "$cmd" in
      overlaps) $PK overlaps --format markdown -o out/overlaps.md ;;
      view) $PK view -o out/graph.html ;;
    esac
  fi
done
echo "main: wrote $(ls out | tr '\n' ' ')to ./out"
