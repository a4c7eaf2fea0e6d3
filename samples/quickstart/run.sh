#!/usr/bin/env bash
# barman quickstart: the main job in one command.
#
# Builds barman, starts a throwaway PostgreSQL 15 cluster on a free loopback port, writes a
# barman.toml for it into a temporary barman_home, creates the replication slot, lets
# `barman cron` start streaming (receive-wal → pg_receivewal) and archiving, generates WAL with
# real writes, archives it, and shows check / status / replication-status and the archive.
# Everything is removed on exit, also on Ctrl-C.
#
#   ./samples/quickstart/run.sh            # build with dotnet, then run
#   BARMAN_BIN=out/barman ./samples/quickstart/run.sh   # use an already built/published binary
#   KEEP=1 ./samples/quickstart/run.sh     # keep the temporary directory for a look afterwards
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --- prerequisites --------------------------------------------------------------------------
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_receivewal" ]; then
  step "Installing PostgreSQL 15 (Debian packages postgresql-15, postgresql-client-15)"
  if [ "$(id -u)" != 0 ]; then echo "please install postgresql-15 and postgresql-client-15 (as root)" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
fi

if [ -z "${BARMAN_BIN:-}" ]; then
  step "Building barman (dotnet build -c Release)"
  dotnet build "$repo/src/Barman.Cli" -c Release -v quiet -nologo >/dev/null
  BARMAN_BIN="$repo/src/Barman.Cli/bin/Release/net10.0/barman"
fi
[ -x "$BARMAN_BIN" ] || { echo "barman binary not found: $BARMAN_BIN" >&2; exit 1; }

# --- a throwaway cluster --------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then work=$(runuser -u postgres -- mktemp -d /tmp/barman-quickstart.XXXXXX); chmod 755 "$work"
else work=$(mktemp -d /tmp/barman-quickstart.XXXXXX); fi
home=$(mktemp -d /tmp/barman-quickstart-home.XXXXXX)
pgdata="$work/data"
cleanup() {
  set +e
  if [ -n "${BARMAN_BIN:-}" ] && [ -f "$home/barman.toml" ]; then
    "$BARMAN_BIN" -c "$home/barman.toml" -q receive-wal --stop pg >/dev/null 2>&1
  fi
  [ -f "$pgdata/postmaster.pid" ] && (cd /; as_pg "$PGBIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1)
  if [ -n "${KEEP:-}" ]; then echo "kept: $home (barman) and $work (PostgreSQL)"; else rm -rf "$work" "$home"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || shuf -i 20000-60000 -n 1)
step "Starting a throwaway PostgreSQL 15 on 127.0.0.1:$port"
cd /tmp
as_pg "$PGBIN/initdb" -D "$pgdata" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions --auth=trust >/dev/null
as_pg sh -c "cat >> '$pgdata/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
CONF
as_pg sh -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n' > '$pgdata/pg_hba.conf'"
as_pg "$PGBIN/pg_ctl" -D "$pgdata" -l "$work/server.log" -w start >/dev/null
psql() { "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt "$@"; }
psql -c "create role barman superuser login" -c "create role streaming_barman replication login"
say "roles: barman (superuser, for checks) and streaming_barman (REPLICATION, for pg_receivewal)"

# --- barman configuration -------------------------------------------------------------------
step "Writing $home/barman.toml"
cat > "$home/barman.toml" <<TOML
[barman]
barman_home = "$home"
barman_user = "$(id -un)"
log_file = "$home/barman.log"
log_level = "INFO"

[pg]
description = "quickstart: PostgreSQL 15 (streaming only)"
conninfo = "host=127.0.0.1 port=$port user=barman dbname=postgres"
streaming_conninfo = "host=127.0.0.1 port=$port user=streaming_barman"
backup_method = "postgres"
streaming_archiver = true
slot_name = "barman"
path_prefix = "$PGBIN"
TOML
sed 's/^/   /' "$home/barman.toml"
barman() { printf '\n   $ barman %s\n' "$*"; "$BARMAN_BIN" -c "$home/barman.toml" "$@" 2>&1 | sed 's/^/   /'; }

step "Creating the replication slot (so PostgreSQL keeps WAL until barman has it)"
barman receive-wal --create-slot pg

step "barman cron: starts receive-wal (pg_receivewal) and archive-wal in the background"
barman cron
for _ in $(seq 1 50); do [ -n "$(ls "$home/pg/streaming" 2>/dev/null | grep partial)" ] && break; sleep 0.2; done
say "streaming/: $(ls "$home/pg/streaming" | tr '\n' ' ')"

step "Generating WAL with real writes, and closing segments with switch-wal"
for i in 1 2 3; do
  psql -c "create table if not exists demo(g int, s text); insert into demo select g, md5(g::text) from generate_series(1,100000) g"
  barman switch-wal pg
done
for _ in $(seq 1 50); do [ "$(ls "$home/pg/streaming" | grep -vc partial)" -ge 3 ] && break; sleep 0.2; done
say "streaming/: $(ls "$home/pg/streaming" | tr '\n' ' ')"

step "barman archive-wal: moves completed segments into the archive (crash-safe)"
barman archive-wal pg

step "barman check"
barman check pg || true
step "barman status"
barman status pg || true
step "barman replication-status"
barman replication-status pg || true

step "The archive"
(cd "$home/pg" && find wals -printf '%M %10s %p\n' | sort -k3 | sed 's/^/   /')
say "xlog.db:"
sed 's/^/     /' "$home/pg/wals/xlog.db"
step "Done: stopping receive-wal, PostgreSQL, and removing the temporary directories"
