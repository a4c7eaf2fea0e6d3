#!/usr/bin/env bash
# Times the verify-wal engine beside pg_waldump -q (PostgreSQL 15) on N real consecutive 16 MiB segments: the
# engine on one core (taskset -c 0, one worker) and on all cores (one worker per core), pg_waldump on one core
# and unpinned (it is single-threaded either way). Page cache warm; wall seconds, MB/s, CPU seconds (user +
# system) and peak RSS are the median of REPS runs; "x pg_waldump" is pg_waldump's unpinned wall time divided
# by the row's.
#
# The engine is driven by bench/WalVerifyBench (NativeAOT, like barman; it compiles the
# engine's sources, it is not part of Barman.sln). The segments are generated once (pgbench + bulk inserts on a
# throwaway cluster with full_page_writes on, streamed by pg_receivewal) and kept in SEGMENTS.
#
# usage: bench/verify-wal.sh [N]          (default: 256)
# env:   REPS=5  WORK=/var/tmp/barman-bench  SEGMENTS=<dir of N consecutive segments>
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-256}
REPS=${REPS:-5}
WORK=${WORK:-/var/tmp/barman-bench}
SEGMENTS=${SEGMENTS:-$WORK/verify-wal-$N}
BIN=$WORK/walverifybench
PGBIN=/usr/lib/postgresql/15/bin
CORES=$(nproc)
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

generate() { # OUT N: N consecutive complete segments
  local out=$1 n=$2 t port pid
  t=$(as_pg mktemp -d /tmp/barman-verify-bench.XXXXXX)
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  (cd /tmp && as_pg $PGBIN/initdb -D "$t/data" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions --auth=trust >/dev/null)
  as_pg sh -c "cat >> '$t/data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$t'
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
fsync = off
synchronous_commit = off
checkpoint_timeout = 60s
max_wal_size = 512MB
CONF
  (cd /tmp && as_pg $PGBIN/pg_ctl -D "$t/data" -l "$t/server.log" -w -t 60 start >/dev/null)
  psql() { $PGBIN/psql -h 127.0.0.1 -p "$port" -U postgres -qAtc "$1" postgres >/dev/null; }
  $PGBIN/pgbench -h 127.0.0.1 -p "$port" -U postgres -i -s 20 postgres >/dev/null 2>&1
  psql 'create table bench_t(g int, s text)'
  psql 'select pg_switch_wal()'
  mkdir -p "$out.stream"
  $PGBIN/pg_receivewal -h 127.0.0.1 -p "$port" -U postgres --slot=verify --create-slot >/dev/null 2>&1
  $PGBIN/pg_receivewal -h 127.0.0.1 -p "$port" -U postgres --slot=verify --no-loop -D "$out.stream" 2>/dev/null &
  pid=$!
  while [ "$(find "$out.stream" -maxdepth 1 -name '????????????????????????' | wc -l)" -lt "$n" ]; do
    $PGBIN/pgbench -h 127.0.0.1 -p "$port" -U postgres -n -c 4 -j 2 -t 3000 postgres >/dev/null 2>&1
    psql 'insert into bench_t select g, md5(g::text) from generate_series(1, 400000) g'
  done
  kill -INT "$pid"; wait "$pid" || true
  (cd /tmp && as_pg $PGBIN/pg_ctl -D "$t/data" -m immediate -w stop >/dev/null 2>&1) || true
  rm -rf "$t"
  mkdir -p "$out"
  find "$out.stream" -maxdepth 1 -name "????????????????????????" | sort | sed -n "1,${n}p" | xargs -I{} mv {} "$out/"
  rm -rf "$out.stream"
}

if [ "$(find "$SEGMENTS" -maxdepth 1 -name '????????????????????????' 2>/dev/null | wc -l)" -lt "$N" ]; then
  rm -rf "$SEGMENTS"
  generate "$SEGMENTS" "$N"
fi
dotnet publish bench/WalVerifyBench -c Release -o "$BIN" >/dev/null
FIRST=$(ls "$SEGMENTS" | head -n 1)
LAST=$(ls "$SEGMENTS" | tail -n 1)
BYTES=$(cat "$SEGMENTS"/* | wc -c)
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# sanity: both read every segment without an error, and the same records
"$PGBIN/pg_waldump" -q -p "$SEGMENTS" "$FIRST" "$LAST"
RECORDS=$("$PGBIN/pg_waldump" --stats -p "$SEGMENTS" "$FIRST" "$LAST" | awk '/^Total/ { print $2 }')
"$BIN/WalVerifyBench" "$SEGMENTS" "$CORES" | tee "$WORK/verify-wal-engine.txt"
grep -q " records $RECORDS " "$WORK/verify-wal-engine.txt" || { echo "pg_waldump reads $RECORDS records, the engine does not" >&2; exit 1; }

measure() { # LABEL COMMAND...: median wall seconds, peak RSS and CPU seconds of REPS runs
  local label=$1 secs=() rss=() cpu=() start end
  shift
  for ((r = 0; r < REPS; r++)); do
    start=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/verify-wal-time.txt" "$@" >/dev/null
    end=$(date +%s%N)
    secs+=("$(echo "($end - $start) / 1000000000" | bc -l)")
    rss+=("$(awk '{ print $1 / 1024 }' "$WORK/verify-wal-time.txt")")
    cpu+=("$(awk '{ print $2 + $3 }' "$WORK/verify-wal-time.txt")")
  done
  echo "$label $(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${rss[@]}" | median) $(printf '%s\n' "${cpu[@]}" | median)"
}

cat "$SEGMENTS"/* >/dev/null # page cache warm
printf '%d segments (%d records, %.0f MB), %d cores, load: %s\n' "$N" "$RECORDS" "$(echo "$BYTES / 1000000" | bc -l)" "$CORES" "$(cut -d' ' -f1-3 /proc/loadavg)"
{
  measure "pg_waldump_-q_(1_core)" taskset -c 0 "$PGBIN/pg_waldump" -q -p "$SEGMENTS" "$FIRST" "$LAST"
  measure "pg_waldump_-q" "$PGBIN/pg_waldump" -q -p "$SEGMENTS" "$FIRST" "$LAST"
  measure "engine_(1_core,_1_worker)" taskset -c 0 "$BIN/WalVerifyBench" "$SEGMENTS" 1
  measure "engine_($CORES"_cores,_"$CORES"_workers")" "$BIN/WalVerifyBench" "$SEGMENTS" "$CORES"
} > "$WORK/verify-wal-results.txt"
PG=$(awk '$1 == "pg_waldump_-q" { print $2 }' "$WORK/verify-wal-results.txt")
printf '%-32s %9s %9s %8s %8s %14s\n' what seconds MB/s CPU_s RSS_MB "x pg_waldump"
while read -r label s m c; do
  printf '%-32s %9.3f %9.0f %8.2f %8.1f %14.2f\n' "${label//_/ }" "$s" "$(echo "$BYTES / 1000000 / $s" | bc -l)" "$c" "$m" "$(echo "$PG / $s" | bc -l)"
done < "$WORK/verify-wal-results.txt"
