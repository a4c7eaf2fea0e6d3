#!/usr/bin/env bash
# Start-up time of the published NativeAOT binary (barman cron runs every minute on every host).
# Usage: bench/startup.sh [path/to/barman]   (default: publishes to out/ first)
# Needs hyperfine (apt-get install -y hyperfine). Prints hyperfine's table; figures go to docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=$(barman_binary "${1:-}")
need_hyperfine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/barman.toml" <<TOML
[barman]
barman_home = "$work/home"
barman_user = "$(id -un)"
log_file = "$work/barman.log"

[pg]
description = "startup benchmark"
conninfo = "host=127.0.0.1 port=1 user=barman dbname=postgres"
streaming_archiver = true
slot_name = "barman"
backup_method = "postgres"
TOML
hyperfine -N --warmup 5 --runs 50 \
  "$bin --version" \
  "$bin -c $work/barman.toml list-servers" \
  "$bin -c $work/barman.toml show-servers pg"
