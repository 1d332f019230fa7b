#!/usr/bin/env bash
# Build the wheel, install it in a fresh venv outside the repository and run `policykg build`
# and `policykg eligible` (with the example profile shipped in the wheel) from there: proves the
# data is found through importlib.resources, not through the working tree.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null
"$work/venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" . 2>/dev/null
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/policykg-*.whl
cd "$work"  # nothing of the repository on the path
"$work/venv/bin/policykg" build --as-of 2026-11-30 >/dev/null
example=$("$work/venv/bin/python" -c 'from policykg.paths import EXAMPLES_DIR; print(EXAMPLES_DIR / "software-firm.yaml")')
case "$example" in "$work"/venv/*) ;; *) echo "wheel-check: the example came from $example, not the wheel" >&2; exit 1;; esac
"$work/venv/bin/python" -m policykg eligible "$example" --format json >/dev/null
"$work/venv/bin/python" -c 'from policykg.engine.scenarios import load_scenarios; assert load_scenarios()'
# the catalogs were compiled into the wheel: Chinese help and a Chinese answer from the installed package
ls "$work"/venv/lib/python*/site-packages/policykg/locale/zh_CN/LC_MESSAGES/policykg.mo >/dev/null
"$work/venv/bin/policykg" --lang zh --help | grep -q "显示此帮助并退出"
LANG=zh_CN.UTF-8 "$work/venv/bin/policykg" eligible "$example" | grep -q "可申报"
echo "wheel-check: build, eligible, the scenarios and the compiled zh catalog work from an installed wheel"
