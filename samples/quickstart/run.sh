#!/usr/bin/env bash
# barman quickstart: the main job in one command.
#
# Builds barman, starts a throwaway PostgreSQL 15 cluster on a free loopback port, writes a
# barman.toml for it into a temporary barman_home, creates the replication slot, lets
# `barman cron` start streaming (receive-wal → pg_receivewal), generates WAL with real writes,
# closes segments with switch-wal, archives them with archive-wal, and shows check / status /
# replication-status and the archive. Everything is stopped and removed on exit, also on Ctrl-C.
#
#   ./samples/quickstart/run.sh                          # build with dotnet, then run
#   BARMAN_BIN=out/barman ./samples/quickstart/run.sh    # use an already built/published binary
#   KEEP=1 ./samples/quickstart/run.sh                   # keep the temporary directories afterwards
#
# Needs PostgreSQL 15 (Debian: postgresql-15 postgresql-client-15). Run it as a normal user, or
# as root: the cluster then runs as user postgres. Exit code 0 when every step and check passed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WAIT_SECONDS=${WAIT_SECONDS:-60}   # bound of every wait below (they poll, and return as soon as ready)

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== [%3ds] %s%s\n' "$bold" "$SECONDS" "$*" "$plain"; }
say() { printf '   %s\n' "$@"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# wait_until DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds, at most WAIT_SECONDS.
wait_until() {
  local what=$1 deadline=$((SECONDS + WAIT_SECONDS)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${WAIT_SECONDS}s waiting for $what"
    sleep 0.2
  done
}

# PIDs of the processes whose command line mentions DIR (barman children carry `-c DIR/barman.toml`,
# pg_receivewal `--directory=DIR/...`, the postmaster `-D DIR/data`).
pids_under() {
  local dir=$1 p arg args
  [ -n "$dir" ] || return 0
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" != "$$" ] || continue
    mapfile -d '' args 2>/dev/null < "$p/cmdline" || continue
    for arg in "${args[@]}"; do
      if [[ $arg == *"$dir/"* ]]; then echo "${p#/proc/}"; break; fi
    done
  done
  return 0
}

# --- prerequisites --------------------------------------------------------------------------
for tool in initdb pg_ctl psql pg_receivewal; do
  [ -x "$PGBIN/$tool" ] || die "$PGBIN/$tool not found: install PostgreSQL 15 (Debian: apt-get install postgresql-15 postgresql-client-15)"
done
if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (created by the postgresql-common package)"; fi

if [ -z "${BARMAN_BIN:-}" ]; then
  step "Building barman (dotnet build src/Barman.Cli -c Release)"
  build_log=$(mktemp)
  if ! dotnet build "$repo/src/Barman.Cli" -c Release -v quiet -nologo >"$build_log" 2>&1; then
    cat "$build_log" >&2; rm -f "$build_log"; die "build failed"
  fi
  rm -f "$build_log"
  BARMAN_BIN="$repo/src/Barman.Cli/bin/Release/net10.0/barman"
  say "built $BARMAN_BIN in ${SECONDS}s"
fi
[ -x "$BARMAN_BIN" ] || die "barman binary not found: $BARMAN_BIN"
BARMAN_BIN=$(cd "$(dirname "$BARMAN_BIN")" && pwd)/$(basename "$BARMAN_BIN")

# --- temporary directories and cleanup ------------------------------------------------------
work='' home='' pgdata=''
cleanup() {
  local rc=$? pids _
  trap '' INT TERM   # a second Ctrl-C must not interrupt the cleanup
  set +e
  [ -n "$work$home" ] || exit "$rc"
  step "Cleaning up: stopping receive-wal, PostgreSQL; removing the temporary directories"
  if [ -f "$home/barman.toml" ]; then
    "$BARMAN_BIN" -c "$home/barman.toml" -q receive-wal --stop pg >/dev/null 2>&1
  fi
  # Anything of ours still alive (a receive-wal that has not taken its lock yet, pg_receivewal, a
  # cron child): SIGTERM, wait a little, then SIGKILL.
  for _ in $(seq 1 50); do
    pids=$(pids_under "$home"); [ -n "$pids" ] || break
    kill -TERM $pids 2>/dev/null; sleep 0.1
  done
  pids=$(pids_under "$home"); [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
  if [ -f "$pgdata/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$pgdata" -m immediate -w -t 30 stop >/dev/null 2>&1
  fi
  pids=$(pids_under "$work"); [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
  if [ -n "${KEEP:-}" ]; then say "kept: $home (barman) and $work (PostgreSQL)"
  else rm -rf ${work:+"$work"} ${home:+"$home"}; fi
  say "left running: $( { pids_under "$home"; pids_under "$work"; } | wc -l) processes"
  if [ "$rc" = 0 ]; then step "Quickstart finished in ${SECONDS}s"; else step "Quickstart FAILED (exit $rc) after ${SECONDS}s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd /tmp   # initdb/pg_ctl as postgres must be able to enter the working directory
if [ "$(id -u)" = 0 ]; then work=$(runuser -u postgres -- mktemp -d /tmp/barman-quickstart-pg.XXXXXX)
else work=$(mktemp -d /tmp/barman-quickstart-pg.XXXXXX); fi
home=$(mktemp -d /tmp/barman-quickstart-home.XXXXXX)
pgdata="$work/data"

say "barman:      $BARMAN_BIN" "barman_home: $home" "PostgreSQL:  $work"

# --- a throwaway cluster --------------------------------------------------------------------
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || shuf -i 20000-60000 -n 1)
step "Starting a throwaway PostgreSQL 15 on 127.0.0.1:$port"
say "initdb + wal_level=replica, max_wal_senders and replication slots enabled, trust on loopback"
as_pg "$PGBIN/initdb" -D "$pgdata" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions --auth=trust >/dev/null
as_pg sh -c "cat >> '$pgdata/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
fsync = off
CONF
as_pg sh -c "cat > '$pgdata/pg_hba.conf'" <<HBA
local all         all trust
host  all         all 127.0.0.1/32 trust
host  replication all 127.0.0.1/32 trust
HBA
as_pg "$PGBIN/pg_ctl" -D "$pgdata" -l "$work/server.log" -w -t 60 start >/dev/null
psql() { "$PGBIN/psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 "$@"; }
psql -c "create role barman superuser login" -c "create role streaming_barman replication login"
say "roles: barman (superuser: checks, switch-wal) and streaming_barman (REPLICATION: pg_receivewal)"

# --- barman configuration -------------------------------------------------------------------
step "Writing the barman configuration $home/barman.toml"
cat > "$home/barman.toml" <<TOML
[barman]
barman_home = "$home"
barman_user = "$(id -un)"
log_file = "$home/barman.log"
log_level = "INFO"

[pg]
description = "quickstart: PostgreSQL 15, WAL streaming"
conninfo = "host=127.0.0.1 port=$port user=barman dbname=postgres"
streaming_conninfo = "host=127.0.0.1 port=$port user=streaming_barman"
backup_method = "postgres"
streaming_archiver = true
slot_name = "barman"
path_prefix = "$PGBIN"
TOML
sed 's/^/   /' "$home/barman.toml"
say "" "Every command below runs as: $BARMAN_BIN -c $home/barman.toml <verb>"
barman() { printf '\n   $ barman %s\n' "$*"; "$BARMAN_BIN" -c "$home/barman.toml" "$@" 2>&1 | sed 's/^/   /'; }

streaming="$home/pg/streaming"
archived_segments() { { cat "$home/pg/wals/xlog.db" 2>/dev/null || true; } | grep -cE '^[0-9A-F]{24}\s' || true; }
three_archived_segments() { [ "$(archived_segments)" -ge 3 ]; }
has_partial() { [ -n "$(find "$streaming" -maxdepth 1 -name '*.partial' 2>/dev/null)" ]; }
slot_active() { [ "$(psql -c "select active from pg_replication_slots where slot_name = 'barman'")" = t ]; }
no_archive_wal_running() {
  local p args
  for p in $(pids_under "$home"); do
    mapfile -d '' args 2>/dev/null < "/proc/$p/cmdline" || continue
    [[ " ${args[*]} " != *" archive-wal "* ]] || return 1
  done
}
show_streaming() { say "streaming/: $(cd "$streaming" && ls | tr '\n' ' ')"; }

step "Creating the replication slot: PostgreSQL keeps the WAL until barman has received it"
barman receive-wal --create-slot pg

step "barman cron: starts receive-wal (which runs pg_receivewal) and archive-wal in the background"
say "In production cron.d or a systemd timer runs this every minute; it restarts whatever died."
barman cron
wait_until "the slot to be in use by pg_receivewal" slot_active
wait_until "pg_receivewal to open its first .partial segment" has_partial
show_streaming

step "Generating WAL with real writes, closing each segment with switch-wal"
say "pg_receivewal writes <segment>.partial and renames it once the segment is complete; receive-wal"
say "archives each completed segment at once (archive_on_completion, on by default): within a second it"
say "is in wals/ and xlog.db, crash-safe (fsync, rename, fsync the directory, then xlog.db)."
psql -c "create table demo(g int, s text)"
for i in 1 2 3; do
  psql -c "insert into demo select g, md5(g::text) from generate_series(1, 100000) g"
  barman switch-wal pg
done
psql -c "insert into demo values (0, 'the next segment')"
wait_until "three segments archived by receive-wal" three_archived_segments
wait_until "pg_receivewal to start the next segment" has_partial
show_streaming

step "barman archive-wal: cron's safety net, archiving whatever receive-wal has not (nothing, here)"
say "It moves completed segments into the archive and records them in xlog.db, as receive-wal does."
wait_until "cron's archive-wal to finish" no_archive_wal_running
barman archive-wal pg

failed=0
step "barman check: is everything in place? (exit 0 = all OK; --nagios for monitoring)"
barman check pg || failed=1
step "barman status"
barman status pg || failed=1
step "barman replication-status: pg_receivewal as PostgreSQL sees it"
say "Right after a burst of writes the lag (here, in status and in check's streaming lag) can show"
say "megabytes although every segment is already in streaming/: pg_receivewal tells PostgreSQL how far"
say "it has flushed only every 10 seconds (its --status-interval), so PostgreSQL's view lags by up to 10 s."
barman replication-status pg || failed=1
step "barman metrics: the same facts for Prometheus (metrics_file makes cron write them every minute)"
barman metrics pg || failed=1

step "The archive: wals/<timeline+log>/<segment>, one xlog.db line per archived file"
(cd "$home/pg" && find wals -printf '%M %10s %p\n' | sort -k3 | sed 's/^/   /')
say "xlog.db (name, size, time, compression):"
sed 's/^/     /' "$home/pg/wals/xlog.db"
[ "$failed" = 0 ] || die "a check or status command failed (see above)"
