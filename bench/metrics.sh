#!/usr/bin/env bash
# `barman metrics` over 10 streaming servers of one real PostgreSQL 15 cluster (throwaway, loopback),
# each with its replication slot, LINES xlog.db lines (default 10000, i.e. ~160 GB of WAL each), a
# few queued segments, errors/ entries and an archive-wal outcome: everything metrics reads. Timed
# with hyperfine against the published NativeAOT binary, next to `barman --version`.
# Target: <= 100 ms for 10 servers. Figures go to docs/performance.md, section "metrics".
# Usage: bench/metrics.sh [path/to/barman]   (LINES=100000 for bigger archives)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(barman_binary "${1:-}")
need_hyperfine
lines=${LINES:-10000}
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
chmod 755 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
install -d -o "$( [ "$(id -u)" = 0 ] && echo postgres || id -un)" "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c max_wal_senders=20 -c max_replication_slots=20" start >/dev/null
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "$1"; }

mkdir -p "$work/home"
{
  printf '[barman]\nbarman_home = %s/home\nbarman_user = %s\nlog_file = %s/barman.log\n' "$work" "$(id -un)" "$work"
  for i in $(seq -w 1 10); do
    printf '\n[pg%s]\nconninfo = host=127.0.0.1 port=%s user=postgres dbname=postgres\n' "$i" "$port"
    printf 'backup_method = postgres\nstreaming_archiver = on\nslot_name = barman%s\n' "$i"
  done
} > "$work/barman.conf"
for i in $(seq -w 1 10); do
  psql "select pg_create_physical_replication_slot('barman$i', true)" >/dev/null
  server="$work/home/pg$i"
  mkdir -p "$server/wals" "$server/streaming" "$server/errors"
  awk -v n="$lines" 'BEGIN { for (s = 1; s <= n; s++) printf "00000001%08X%08X\t16777216\t%.1f\tNone\n", int(s / 256), s % 256, 1700000000 + s }' > "$server/wals/xlog.db"
  for s in 1 2 3; do : > "$server/streaming/0000000100000FFF0000000$s"; done
  : > "$server/streaming/0000000100000FFF00000004.partial"
  : > "$server/errors/000000010000000000000001.20261124T052932Z.duplicate"
  printf '{"last_run": {"started": 1800000000.0, "duration": 0.5, "success": true, "archived": 3, "error": null}, "last_success": 1800000000.5, "failing_since": null, "consecutive_failures": 0}\n' > "$server/archive-wal-outcome.json"
done
echo "--- one run ($lines xlog.db lines per server):"
"$bin" -c "$work/barman.conf" metrics | grep -c '^barman_' | sed 's/$/ samples/'
hyperfine -N --warmup 5 --runs 50 "$bin --version" "$bin -c $work/barman.conf metrics"
