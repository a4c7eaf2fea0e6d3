#!/usr/bin/env bash
# Captures K real 16 MiB WAL segments from a throwaway PostgreSQL 15 cluster (pgbench load,
# streamed by pg_receivewal) into OUT_DIR. Used by bench/archive-wal.sh as the segment source.
# usage: bench/capture-wal.sh OUT_DIR [K=8]
set -euo pipefail
OUT=$(realpath -m "${1:?usage: capture-wal.sh OUT_DIR [K]}")
K=${2:-8}
source "$(dirname "$0")/lib.sh"
T=$(as_pg mktemp -d /tmp/barman-bench-pg.XXXXXX)
PORT=$(free_port)
cleanup() {
  [ -n "${RECV_PID:-}" ] && kill -INT "$RECV_PID" 2>/dev/null && wait "$RECV_PID" 2>/dev/null || true
  stop_cluster "$T"
  rm -rf "$T" "$OUT.stream"
}
trap cleanup EXIT
start_cluster "$T" "$PORT" <<CONF
fsync = off
synchronous_commit = off
CONF
mkdir -p "$OUT" "$OUT.stream"
# load first (bulk COPY WAL compresses ~30x: not typical), then stream OLTP-like WAL only
$PGBIN/pgbench -h 127.0.0.1 -p "$PORT" -U postgres -i -s 10 postgres >/dev/null 2>&1
$PGBIN/psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtc 'create table bench_t(g int, s text)' postgres >/dev/null
$PGBIN/psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtc 'select pg_switch_wal()' postgres >/dev/null
$PGBIN/pg_receivewal -h 127.0.0.1 -p "$PORT" -U postgres --slot=bench --create-slot >/dev/null 2>&1
$PGBIN/pg_receivewal -h 127.0.0.1 -p "$PORT" -U postgres --slot=bench --no-loop -D "$OUT.stream" 2>/dev/null &
RECV_PID=$!
while [ "$(find "$OUT.stream" -maxdepth 1 -name '????????????????????????' | wc -l)" -lt "$K" ]; do
  $PGBIN/pgbench -h 127.0.0.1 -p "$PORT" -U postgres -n -t 3000 -c 2 postgres >/dev/null 2>&1
  $PGBIN/psql -h 127.0.0.1 -p "$PORT" -U postgres -qAtc 'insert into bench_t select g, md5(g::text) from generate_series(1,100000) g' postgres >/dev/null
done
kill -INT "$RECV_PID"; wait "$RECV_PID" || true; RECV_PID=
# keep the K newest complete segments
find "$OUT.stream" -maxdepth 1 -name '????????????????????????' | sort | tail -n "$K" | xargs -I{} cp {} "$OUT/"
ls "$OUT" | wc -l
