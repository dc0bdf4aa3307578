#!/usr/bin/env bash
# The clock smoke run: the date-sensitive tests (marker clock_smoke) with the office's clock frozen at
# each of three dates, before, inside and after the demo year's last reporting window.
# With --all, the whole suite (`make test`'s pytest command) at each date instead (`make test-dates`).
# Usage: bash scripts/clock_smoke.sh [--all] [extra pytest options]   (PYTHON overrides .venv/bin/python)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DATES=(2026-07-01T10:00:00+08:00 2026-12-05T10:00:00+08:00 2027-06-01T10:00:00+08:00)
SELECT=(-m clock_smoke)
if [[ ${1:-} == --all ]]; then
  shift
  SELECT=(-n auto)
fi

failed=()
for moment in "${DATES[@]}"; do
  echo "== clock frozen at $moment"
  # Every date runs even when one fails, so a run names all the dates that fail.
  JJ123_TEST_NOW=$moment "$PY" -m pytest -q -p no:cacheprovider "${SELECT[@]}" "$@" || failed+=("$moment")
done
if (( ${#failed[@]} )); then
  echo "== failed at: ${failed[*]}" >&2
  exit 1
fi
