#!/usr/bin/env bash
# Install policykg into ./.venv (Python 3.11+). `scripts/setup.sh test` adds the test
# tools and the system parts the tests need: Debian's chromium and CJK fonts.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
# setuptools' editable install prints a notice ("Editable installation ... folders with the
# same name as your package may take precedence") on every install: here the repository root
# *is* the package on purpose (pyproject.toml), so the notice says nothing new. Only that one.
export PYTHONWARNINGS="ignore:Editable installation${PYTHONWARNINGS:+,$PYTHONWARNINGS}"
if [ "${1:-}" = "test" ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
  # The browser tests drive Debian's Chromium (never a downloaded browser).
  # The Neo4j and Spark tests (pyspark 4.0, `match --spark`) need a Java 17 or later.
  java_ok() {
    command -v java >/dev/null 2>&1 || return 1
    local v
    v=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
    [ "${v%%.*}" -ge 17 ] 2>/dev/null
  }
  missing=()
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
    missing+=(chromium fonts-noto-cjk)
  fi
  java_ok || missing+=(openjdk-17-jre-headless)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: ${missing[*]} missing; install them with: sudo apt-get install ${missing[*]}" >&2
    fi
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi
# Byte-compile the package as pip does for a wheel: an editable install is read from the source,
# and where PYTHONDONTWRITEBYTECODE is set (this sandbox sets it) every start would compile
# ~50 modules again (serve's start-up: ~0.4 s of CPU).
.venv/bin/python -m compileall -q -j 0 -x '(^|/)(\.venv|\.git|node_modules)(/|$)' . >/dev/null
echo "setup: policykg $(.venv/bin/policykg --version | awk '{print $NF}') installed in .venv"
