#!/usr/bin/env bash
# `make bench`: seeds a 300,000-house county on SQLite and on a private PostgreSQL cluster and
# times the township house list, every county list against its raw-SQL floor (bench/floor.py) and
# 16 clients for 60 s through the production server (bench/load.py); results go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
work=$(mktemp -d /tmp/anju-bench.XXXXXX)
pg_dir=$(mktemp -d /tmp/anju-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pg_dir" 2>/dev/null; rm -rf "$work"' EXIT
url=$(bash scripts/pg.sh start "$pg_dir")
ANJU_DATA_DIR=$work/data "$venv/bin/python" bench/run.py --pg-url "$url" "$@"
