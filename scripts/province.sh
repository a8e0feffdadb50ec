#!/usr/bin/env bash
# A province on one machine, on loopback ports, all in DIR: a pg_auto_failover monitor, a
# primary and a synchronous secondary (either may be promoted), an asynchronous read replica
# that is never promoted, the database anju, and pgbouncer (transaction pooling) in front of
# the primary, kept on the primary by `anju pooler_follow` (it asks the monitor).
#   scripts/province.sh start DIR        -> prints `export ANJU_PROVINCE_...=...` lines
#   scripts/province.sh repoint DIR      -> points pgbouncer at the current primary at once
#   scripts/province.sh rejoin DIR NODE  -> starts a stopped node's pg_autoctl again and waits
#                                           for the formation: one primary, two secondaries
#   scripts/province.sh stop DIR         -> stops everything started in DIR and removes DIR
# DIR must be reachable by the postgres user when run as root (e.g. `mktemp -d /tmp/x.XXXXXX`).
set -euo pipefail
cmd=${1:-} dir=$(realpath -m "${2:-}")
[ -n "${2:-}" ] || { echo "usage: $0 start|repoint|rejoin|stop DIR [NODE]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-.venv}; [[ $venv = /* ]] || venv=$root/$venv
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
nodes=(node1 node2 node3)  # node1 starts as primary, node2 its synchronous standby, node3 the replica

as_owner() {
  # pg_autoctl, postgres and pgbouncer refuse to run as root: run them as the postgres user.
  # pg_autoctl keeps its configuration and state under XDG folders: keep them in DIR too.
  local env=(env XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/share"
             XDG_RUNTIME_DIR="$dir/run" PATH="$bin:$PATH")
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "${env[@]}" "$@")
  else (cd / && "${env[@]}" "$@"); fi
}

in_background() {
  # Runs a long-lived service in a session of its own, so stop can end its whole tree.
  local name=$1; shift
  setsid bash -c "$(declare -f as_owner); dir='$dir' bin='$bin' as_owner \"\$@\"" _ "$@" \
    >"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pgid"
  disown
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

monitor_sql() {
  "$bin/psql" -X -At -h 127.0.0.1 -p "$(cat "$dir/monitor.port")" -U postgres \
    -d pg_auto_failover -c "$1"
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
  local limit=$1 what=$2; shift 2
  local until=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $until ]; then
      echo "province: timed out after ${limit}s waiting for $what" >&2
      for log in "$dir"/*.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done
      return 1
    fi
    sleep 0.3
  done
}

states_are() {  # states_are "node1:primary node2:secondary ...": reported and goal state agree
  local want=$1 have
  have=$(monitor_sql "select string_agg(nodename || ':' || reportedstate, ' ' order by nodename)
                      from pgautofailover.node where reportedstate = goalstate") || return 1
  [ "$have" = "$want" ]
}

node_registered() {
  [ "$(monitor_sql "select count(*) from pgautofailover.node where nodename = '$1'")" = 1 ]
}

standbys_ready() {
  # pg_basebackup waits for a spread checkpoint (minutes on an idle server): ask for it now.
  "$bin/psql" -X -q -h 127.0.0.1 -p "$(cat "$dir/node1.port")" -U postgres -d anju \
    -c checkpoint >/dev/null 2>&1 || true
  states_are "node1:primary node2:secondary node3:secondary"
}

primary_port() {
  monitor_sql "select nodeport from pgautofailover.node
               where reportedstate in ('single', 'primary', 'wait_primary')
                 and goalstate = reportedstate"
}

write_pooler_ini() {
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
anju = host=127.0.0.1 port=$1 dbname=anju user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $(cat "$dir/pooler.port")
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
server_connect_timeout = 3
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
}

start() {
  mkdir -p "$dir/config" "$dir/share" "$dir/run"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
  chmod 700 "$dir/run"
  local monitor_port p
  monitor_port=$(free_port); echo "$monitor_port" >"$dir/monitor.port"
  for node in "${nodes[@]}"; do free_port >"$dir/$node.port"; done
  free_port >"$dir/pooler.port"

  as_owner pg_autoctl create monitor --pgctl "$bin/pg_ctl" --pgdata "$dir/monitor" \
    --pgport "$monitor_port" --hostname 127.0.0.1 --auth trust --no-ssl >"$dir/create-monitor.log" 2>&1
  # Failover in seconds rather than the defaults' minute: health checks every second, a node
  # unhealthy after 5 s of silence, the old primary given 5 s to demote itself.
  cat >>"$dir/monitor/postgresql.conf" <<EOF
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 5000
pgautofailover.primary_demote_timeout = 5000
pgautofailover.startup_grace_period = 2000
EOF
  in_background monitor pg_autoctl run --pgdata "$dir/monitor"
  wait_for 30 "the monitor" monitor_sql "select 1 from pgautofailover.formation"
  local monitor_uri="postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable"

  create_node() {  # create_node NAME [pg_autoctl options]: create it, then run it in the background
    local name=$1; shift
    in_background "$name" pg_autoctl create postgres --run --pgctl "$bin/pg_ctl" \
      --pgdata "$dir/$name" --pgport "$(cat "$dir/$name.port")" --pghost 127.0.0.1 \
      --hostname 127.0.0.1 --name "$name" --dbname anju --username postgres \
      --monitor "$monitor_uri" --auth trust --no-ssl "$@"
  }
  create_node node1
  wait_for 60 "node1 to run alone" states_are "node1:single"
  create_node node2
  # node2 registers first so node ids follow node names (standby names use the ids).
  wait_for 30 "node2 to register" node_registered node2
  # The read replica: never promoted, and the primary does not wait for it on commit.
  create_node node3 --candidate-priority 0 --replication-quorum false
  wait_for 90 "the standbys" standbys_ready
  # The old primary's keeper demotes itself within the monitor's demote timeout.
  for node in "${nodes[@]}"; do
    as_owner pg_autoctl config set --pgdata "$dir/$node" timeout.network_partition_timeout 3 >/dev/null
  done

  echo '"postgres" ""' >"$dir/userlist.txt"
  write_pooler_ini "$(primary_port)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/userlist.txt" "$dir/pgbouncer.ini"
  as_owner /usr/sbin/pgbouncer -q -d "$dir/pgbouncer.ini"
  wait_for 10 "pgbouncer" "$bin/pg_isready" -h 127.0.0.1 -p "$(cat "$dir/pooler.port")" -d anju
  # pgbouncer follows the primary: the follower listens to the monitor and reloads it.
  mkdir -p "$dir/follower-data"
  setsid env ANJU_DATA_DIR="$dir/follower-data" "$venv/bin/anju" pooler_follow \
    --monitor "postgres://postgres@127.0.0.1:$monitor_port/pg_auto_failover" \
    --ini "$dir/pgbouncer.ini" --database anju --every 2 \
    --admin "postgres://postgres@127.0.0.1:$(cat "$dir/pooler.port")/pgbouncer" \
    >"$dir/follower.log" 2>&1 </dev/null &
  echo $! >"$dir/follower.pgid"
  disown

  p=(); for node in "${nodes[@]}"; do p+=("$(cat "$dir/$node.port")"); done
  cat >"$dir/province.env" <<EOF
export ANJU_PROVINCE_DIR=$dir
export ANJU_PROVINCE_MONITOR_URL=postgres://postgres@127.0.0.1:$monitor_port/pg_auto_failover
export ANJU_PROVINCE_PRIMARY_URL=postgres://postgres@127.0.0.1:${p[0]},127.0.0.1:${p[1]}/anju?target_session_attrs=read-write
export ANJU_PROVINCE_REPLICA_URL=postgres://postgres@127.0.0.1:${p[2]}/anju
export ANJU_PROVINCE_POOLER_URL=postgres://postgres@127.0.0.1:$(cat "$dir/pooler.port")/anju
EOF
  cat "$dir/province.env"
}

repoint() {
  local port
  port=$(primary_port)
  [ -n "$port" ] || { echo "province: no primary to point pgbouncer at" >&2; return 1; }
  write_pooler_ini "$port"
  kill -HUP "$(cat "$dir/pgbouncer.pid")"
  echo "pgbouncer now points at 127.0.0.1:$port"
}

formation_settled() {  # one primary and two secondaries, each where the monitor wants it
  [ "$(monitor_sql "select string_agg(reportedstate::text, ' ' order by reportedstate::text)
                    from pgautofailover.node where reportedstate = goalstate")" \
    = "primary secondary secondary" ]
}

rejoin() {
  local node=$1
  [ -d "$dir/$node" ] || { echo "province: no node $node in $dir" >&2; return 1; }
  in_background "$node" pg_autoctl run --pgdata "$dir/$node"
  # The monitor has it rewind to the new primary's timeline and follow it.
  wait_for 180 "$node to rejoin" formation_settled
  monitor_sql "select nodename || ' ' || reportedstate from pgautofailover.node order by nodename"
}

stop() {
  [ -d "$dir" ] || return 0
  [ -f "$dir/pgbouncer.pid" ] && { kill -TERM "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; }
  # Each service's whole session, then any postmaster that outlived its keeper.
  for f in "$dir"/*.pgid; do
    [ -f "$f" ] && { kill -KILL -- "-$(cat "$f")" 2>/dev/null || true; }
  done
  for data in "$dir"/node* "$dir/monitor"; do
    [ -f "$data/postmaster.pid" ] && { kill -KILL "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null || true; }
  done
  # Backends notice their postmaster is gone; give them a moment before removing the files.
  for _ in $(seq 50); do
    pgrep -f -- "$dir/" >/dev/null || break
    sleep 0.1
  done
  rm -rf "$dir"
}

case $cmd in
  start)
    # A failed start leaves nothing behind.
    trap 'rc=$?; [ $rc -eq 0 ] || stop' EXIT
    start ;;
  repoint) repoint ;;
  rejoin) rejoin "${3:?usage: $0 rejoin DIR NODE}" ;;
  stop) stop ;;
  *) echo "usage: $0 start|repoint|rejoin|stop DIR [NODE]" >&2; exit 2 ;;
esac
