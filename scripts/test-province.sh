#!/usr/bin/env bash
# The province tests: starts a province (scripts/province.sh) in a folder of its own, runs
# tests/province against it, and stops every process it started, whether the tests pass or not.
# Prints the failover figures and pytest's `N passed` line.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
dir=$(mktemp -d /tmp/anju-province.XXXXXX)
trap 'bash scripts/province.sh stop "$dir"' EXIT
started=$SECONDS
if ! env_lines=$(bash scripts/province.sh start "$dir"); then
  echo "FAILED: starting the province"; exit 1
fi
eval "$env_lines"
echo "province started in $((SECONDS - started)) s"
"$venv/bin/pytest" -p no:django -q -s -W ignore::pytest.PytestConfigWarning tests/province \
  > "$dir/pytest.log" 2>&1
status=$?
grep -E "^(workers|failover|pooler|rejoin):" "$dir/pytest.log"
[ $status -eq 0 ] || cat "$dir/pytest.log"
tail -n 1 "$dir/pytest.log"
exit $status
