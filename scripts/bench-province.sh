#!/usr/bin/env bash
# `make bench-province`: a province's houses (5,000,000 over 吉林省 by default) beside one county
# alone (300,000 in 梅河口市) on a private PostgreSQL cluster with production durability
# (bench/province.py); results go to bench/results/<date>-province.{json,md}. Not part of
# `make test` or CI: it needs about an hour and 30 GB of disk at full size.
#   bash scripts/bench-province.sh [--houses 200000 --county-houses 20000]   (a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
work=$(mktemp -d /tmp/anju-bench.XXXXXX)
pg_dir=$(mktemp -d /tmp/anju-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pg_dir" 2>/dev/null; rm -rf "$work"' EXIT
url=$(bash scripts/pg.sh start "$pg_dir" --durable)
ANJU_DATA_DIR=$work/data "$venv/bin/python" bench/province.py --pg-url "$url" "$@"
