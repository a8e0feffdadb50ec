#!/usr/bin/env bash
# A private PostgreSQL cluster on a loopback port, for tests and benchmarks.
#   scripts/pg.sh start DIR [--durable]  -> prints the DATABASE_URL of a fresh cluster in DIR
#   scripts/pg.sh stop DIR
# Tests run without fsync, full-page writes and synchronous commit (a crash loses nothing
# worth keeping). --durable keeps all three on, as a production server runs, for benchmarks
# whose figures must hold in production (bench/province.py), with room for WAL between
# checkpoints.
set -euo pipefail
# DIR must be reachable by the postgres user when run as root: pass a folder of its own,
# e.g. from `mktemp -d /tmp/anju-pg.XXXXXX`, not one inside a private temporary folder.
cmd=$1 dir=$(realpath -m "$2")
durable=${3:-}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres user instead.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case $cmd in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    if [ "$durable" = --durable ]; then
      settings="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_wal_size=8GB -c shared_buffers=1GB -c maintenance_work_mem=512MB"
    elif [ -z "$durable" ]; then
      settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    else
      echo "usage: $0 start DIR [--durable]" >&2; exit 2
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $settings" \
      start >/dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres anju
    echo "postgres://postgres@127.0.0.1:$port/anju"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR [--durable] | stop DIR" >&2; exit 2 ;;
esac
