#!/usr/bin/env bash
# Proves that a published binary carries no test seam: Wal/CrashPoint (BARMAN_TEST_CRASH_AT) is
# compiled only where BARMAN_TEST_SEAMS is defined, i.e. in every build but `dotnet publish`
# (Directory.Build.props). Checks the strings of the binary (ASCII and UTF-16: .NET keeps string
# literals in UTF-16, so a plain `strings | grep` would never see them) and that the variable
# really cannot make the binary kill itself.
# usage: scripts/check-release.sh [path/to/barman]   (default: publishes to out/ first)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then
  dotnet publish src/Barman.Cli -c Release -o out >/dev/null
  bin=out/barman
fi
command -v strings >/dev/null || { apt-get install -y -qq binutils >/dev/null; }

found=$( { strings -a "$bin"; strings -a -e l "$bin"; } | grep -c -e BARMAN_TEST_CRASH_AT -e CrashPoint || true)
if [ "$found" != 0 ]; then
  echo "FAIL: $bin contains the crash test seam ($found strings)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/pg/streaming"
head -c 65536 /dev/zero > "$work/home/pg/streaming/000000010000000000000001"
touch "$work/home/pg/streaming/000000010000000000000002.partial"
cat > "$work/barman.conf" <<CONF
[barman]
barman_home = $work/home
barman_user = $(id -un)
log_file = $work/barman.log

[pg]
conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres
backup_method = postgres
streaming_archiver = on
slot_name = barman
CONF
set +e
BARMAN_TEST_CRASH_AT=any:1 "$bin" -c "$work/barman.conf" -q archive-wal pg
rc=$?
set -e
if [ "$rc" != 0 ] || [ ! -f "$work/home/pg/wals/0000000100000000/000000010000000000000001" ]; then
  echo "FAIL: $bin obeyed BARMAN_TEST_CRASH_AT (exit $rc)" >&2
  exit 1
fi
echo "OK: $bin has no test seam (no BARMAN_TEST_CRASH_AT/CrashPoint string; BARMAN_TEST_CRASH_AT=any:1 archive-wal exits 0)"
