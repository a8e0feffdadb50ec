#!/usr/bin/env bash
# Runs every test: lint and the import contracts, the suite and the browser tests on SQLite,
# then again on a private PostgreSQL cluster started here and stopped at the end. Exits non-zero
# on any failure.
#   scripts/test.sh [sqlite|postgres|all]
set -uo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
venv=${VENV:-.venv}
work=$(mktemp -d /tmp/anju-test.XXXXXX)
pg_dir=$(mktemp -d /tmp/anju-pg.XXXXXX)
failures=()

cleanup() { bash scripts/pg.sh stop "$pg_dir" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

run() {
  local label=$1; shift
  echo "=== $label"
  if ! "$@"; then failures+=("$label"); fi
}

suite() {
  local db=$1
  run "unit and API tests ($db)" env ANJU_DATA_DIR="$work/$db" "$venv/bin/pytest" -q src
  run "browser tests ($db)" env ANJU_DATA_DIR="$work/$db-browser" "$venv/bin/pytest" -q tests/browser
}

run "lint" "$venv/bin/ruff" check src tests bench
run "import contracts" "$venv/bin/lint-imports" --no-cache --no-logo
if [ "$which" = all ] || [ "$which" = sqlite ]; then
  suite sqlite
fi
if [ "$which" = all ] || [ "$which" = postgres ]; then
  if url=$(bash scripts/pg.sh start "$pg_dir"); then
    DATABASE_URL=$url suite postgres
  else
    failures+=("starting PostgreSQL")
  fi
fi

if [ ${#failures[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failures[@]}"
  exit 1
fi
echo "all test runs passed"
