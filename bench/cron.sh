#!/usr/bin/env bash
# One `barman cron` pass over 10 servers with everything already running (archive-wal and
# receive-wal locks held by flock processes, so cron only probes and reports), against the
# published NativeAOT binary. Target: well under 100 ms.
# Usage: bench/cron.sh [path/to/barman]   (default: publishes to out/ first)
# Needs hyperfine (apt-get install -y hyperfine). Figures go to docs/performance.md, section "cron".
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(barman_binary "${1:-}")
need_hyperfine
work=$(mktemp -d)
holders=()
cleanup() {
  for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home"
{
  printf '[barman]\nbarman_home = %s/home\nbarman_user = %s\nlog_file = %s/barman.log\n' "$work" "$(id -un)" "$work"
  for i in $(seq -w 1 10); do
    printf '\n[pg%s]\ndescription = cron benchmark %s\nconninfo = host=127.0.0.1 port=1 user=barman dbname=postgres\n' "$i" "$i"
    printf 'backup_method = postgres\nstreaming_archiver = on\nslot_name = barman%s\n' "$i"
  done
} > "$work/barman.conf"
# "Already running": hold every archive-wal and receive-wal lock (PID written as barman does).
for i in $(seq -w 1 10); do
  for kind in archive-wal receive-wal; do
    lock="$work/home/.pg$i-$kind.lock"
    sh -c 'exec 9>>"$1"; flock -n 9 || exit 3; echo $$ > "$1"; exec sleep 3600' sh "$lock" &
    holders+=($!)
  done
done
sleep 0.5
echo "--- one pass:"
"$bin" -c "$work/barman.conf" cron
# --version is the bare start-up of the binary: the difference is what cron itself costs.
hyperfine -N --warmup 5 --runs 100 "$bin --version" "$bin -c $work/barman.conf cron"
