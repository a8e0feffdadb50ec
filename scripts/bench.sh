#!/usr/bin/env bash
# `make bench`: seeds a 300,000-house county on SQLite and on a private PostgreSQL cluster and
# times the township house list; results go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
work=$(mktemp -d /tmp/anju-bench.XXXXXX)
trap 'bash scripts/pg.sh stop "$work/pg" 2>/dev/null; rm -rf "$work"' EXIT
url=$(bash scripts/pg.sh start "$work/pg")
ANJU_DATA_DIR=$work/data "$venv/bin/python" bench/run.py --pg-url "$url" "$@"
