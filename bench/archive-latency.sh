#!/usr/bin/env bash
# Latency from pg_switch_wal() to the archive with receive-wal archiving on completion: receive-wal
# running alone (no cron, no archive-wal), a background writer, then N times: write, pg_switch_wal(),
# poll wals/ + xlog.db every 20 ms until the switched segment is in both. Prints every latency, the
# median and the worst, plain and with compression = gzip. Target: median <= 0.3 s, worst <= 1 s.
# Usage: bench/archive-latency.sh [path/to/barman] [N=8]   (default: publishes to out/ first)
# Figures go to docs/performance.md, section "archive on completion" (say how loaded the machine was).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(realpath "$(barman_binary "${1:-}")")
N=${2:-8}
T=$(as_pg mktemp -d /tmp/barman-bench-lat.XXXXXX)
work=$(mktemp -d /tmp/barman-bench-home.XXXXXX)
PORT=$(free_port)
writer=
cleanup() {
  [ -n "$writer" ] && kill "$writer" 2>/dev/null && wait "$writer" 2>/dev/null || true
  [ -f "$work/barman.conf" ] && "$bin" -c "$work/barman.conf" -q receive-wal --stop pg >/dev/null 2>&1 || true
  stop_cluster "$T"
  rm -rf "$T" "$work"
}
trap cleanup EXIT
psql_() { $PGBIN/psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtX -c "$1" postgres; }
start_cluster "$T" "$PORT" </dev/null
psql_ 'create table bench_t(g int, s text)'

# run COMPRESSION: one receive-wal, N switches; prints "<compression> <latency seconds>" lines
run() {
  local compression=$1 home="$work/$1"
  mkdir -p "$home"
  cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $home
barman_user = $(id -un)
log_file = $work/barman-$compression.log
compression = $( [ "$compression" = plain ] && echo none || echo "$compression" )

[pg]
description = archive latency benchmark
conninfo = host=127.0.0.1 port=$PORT user=postgres dbname=postgres
streaming_conninfo = host=127.0.0.1 port=$PORT user=postgres
backup_method = postgres
streaming_archiver = on
slot_name = bench_$compression
create_slot = auto
path_prefix = $PGBIN
archive_on_completion = on
CONF
  "$bin" -c "$work/barman.conf" -q receive-wal --background pg
  until [ "$(psql_ "select count(*) from pg_replication_slots where slot_name = 'bench_$compression' and active")" = 1 ]; do sleep 0.1; done
  # background writer: a little WAL all the time, as a live database makes
  ( while :; do psql_ "insert into bench_t select g, md5(g::text) from generate_series(1, 200) g" >/dev/null; sleep 0.05; done ) &
  writer=$!
  for i in $(seq 1 "$N"); do
    psql_ "insert into bench_t select g, md5(g::text) from generate_series(1, 20000) g"
    local t0 seg ok
    t0=$(date +%s.%N)
    seg=$(psql_ 'select pg_walfile_name(pg_switch_wal())')
    ok=
    for _ in $(seq 1 3000); do   # 60 s at most
      if ls "$home/pg/wals/${seg:0:16}/$seg"* >/dev/null 2>&1 && grep -q "^$seg	" "$home/pg/wals/xlog.db" 2>/dev/null; then ok=1; break; fi
      sleep 0.02
    done
    [ -n "$ok" ] || { echo "$compression: $seg not archived within 60 s" >&2; exit 1; }
    echo "$compression $(echo "$(date +%s.%N) - $t0" | bc)"
  done
  kill "$writer"; wait "$writer" 2>/dev/null || true; writer=
  "$bin" -c "$work/barman.conf" -q receive-wal --stop pg
  psql_ "select pg_drop_replication_slot('bench_$compression')" >/dev/null 2>&1 || sleep 1
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$( { run plain; run gzip; } )
echo "$results" | awk '{ printf "%-6s %.3f s\n", $1, $2 }'
for c in plain gzip; do
  echo "$results" | awk -v c="$c" '$1 == c { print $2 }' | sort -n | awk -v c="$c" '
    { v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s: median %.3f s, worst %.3f s over %d switches\n", c, m, v[NR], NR }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
