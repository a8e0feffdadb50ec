#!/usr/bin/env bash
# Runs every test: lint and the import contracts, then the suite and the browser tests on SQLite
# and again on a private PostgreSQL cluster started here and stopped at the end, and the province
# tests (scripts/test-province.sh) on a pg_auto_failover formation. Exits non-zero on any failure.
#   scripts/test.sh [sqlite|postgres|province|all]
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

# Every test runs; none runs twice for nothing. The suite runs whole on SQLite; on PostgreSQL it
# keeps the tests that touch the database (the rest would run identically). With `all`, each
# browser test runs once: the two databases take a share each (ANJU_BROWSER_SHARD, see
# tests/browser/conftest.py), so both keep some of the pages and the two runs take about as
# long.
suite() {
  local db=$1 only=0 shard=""
  if [ "$which" = all ]; then
    [ "$db" = postgres ] && only=1
    shard=$([ "$db" = sqlite ] && echo 0/2 || echo 1/2)
  fi
  run "unit and API tests ($db)" env ANJU_DATA_DIR="$work/$db" ANJU_TESTS_DATABASE_ONLY=$only \
    "$venv/bin/pytest" -q src
  run "browser tests ($db)" env ANJU_DATA_DIR="$work/$db-browser" ANJU_BROWSER_SHARD=$shard \
    "$venv/bin/pytest" -q tests/browser
}

run "lint" "$venv/bin/ruff" check src tests bench
run "import contracts" "$venv/bin/lint-imports" --no-cache --no-logo

# The SQLite and PostgreSQL runs are independent (own data folders, own databases, own browser
# servers on free ports): on a machine with two cores or more they run side by side, each into
# its own log, printed whole when both are done.
database_run() {
  local db=$1 log="$work/$db.log"
  if [ "$db" = province ]; then
    # Mostly waiting (servers starting, a failover): cheap to run beside the two suites.
    bash scripts/test-province.sh >"$log" 2>&1
    return
  fi
  (
    failures=()
    if [ "$db" = postgres ]; then
      if url=$(bash scripts/pg.sh start "$pg_dir"); then
        export DATABASE_URL=$url
      else
        echo "FAILED: starting PostgreSQL"; exit 1
      fi
    fi
    suite "$db"
    [ ${#failures[@]} -eq 0 ] || { printf 'FAILED: %s\n' "${failures[@]}"; exit 1; }
  ) >"$log" 2>&1
}

runs=()
[ "$which" = all ] || [ "$which" = sqlite ] && runs+=(sqlite)
[ "$which" = all ] || [ "$which" = postgres ] && runs+=(postgres)
[ "$which" = all ] || [ "$which" = province ] && runs+=(province)
if [ "$(nproc)" -ge 2 ] && [ ${#runs[@]} -gt 1 ]; then
  echo "=== ${runs[*]} side by side (each run's log follows when all are done)"
  pids=()
  for db in "${runs[@]}"; do database_run "$db" & pids+=($!); done
  for i in "${!runs[@]}"; do
    wait "${pids[$i]}" || failures+=("${runs[$i]} run")
  done
else
  for db in "${runs[@]}"; do database_run "$db" || failures+=("$db run"); done
fi
for db in "${runs[@]}"; do cat "$work/$db.log"; done

if [ ${#failures[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failures[@]}"
  exit 1
fi
echo "all test runs passed"
