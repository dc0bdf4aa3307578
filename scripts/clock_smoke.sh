#!/usr/bin/env bash
# The clock smoke run: the date-sensitive tests (marker clock_smoke) with the office's clock frozen at
# each of three dates, before, inside and after the demo year's last reporting window.
# Usage: bash scripts/clock_smoke.sh [extra pytest options]   (PYTHON overrides .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DATES=(2026-07-01T10:00:00+08:00 2026-12-05T10:00:00+08:00 2027-06-01T10:00:00+08:00)

for moment in "${DATES[@]}"; do
  echo "== clock frozen at $moment"
  JJ123_TEST_NOW=$moment "$PY" -m pytest -q -p no:cacheprovider -m clock_smoke "$@"
done
