# Shared by the bench scripts (source it after `cd` to the repository root).

# barman_binary [path]: prints the binary to measure: the given one, or out/barman freshly published.
barman_binary() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  dotnet publish src/Barman.Cli -c Release -o out >/dev/null
  echo out/barman
}

# need_hyperfine: installs Debian's hyperfine when missing.
need_hyperfine() {
  command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
}

# place_segment SRC DST: copies a captured segment to DST with its first page header's address stamped to match
# DST's name, so that archive-wal's validation accepts a sample archived under another name.
place_segment() {
  cp "$1" "$2"
  python3 - "$2" <<'PY'
import os, struct, sys
path = sys.argv[1]
name = os.path.basename(path)[:24]
with open(path, 'r+b') as f:
    seg_size = struct.unpack_from('<I', f.read(40), 32)[0]
    f.seek(8)
    f.write(struct.pack('<Q', int(name[8:16], 16) * 0x100000000 + int(name[16:24], 16) * seg_size))
PY
}

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# as_pg CMD...: runs a PostgreSQL server binary as postgres when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# free_port: a free TCP port on the loopback interface.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# start_cluster DIR PORT: initdb and start a throwaway PostgreSQL 15 cluster in DIR/data on 127.0.0.1:PORT
# (streaming allowed, trust auth); extra postgresql.conf lines are read from stdin.
start_cluster() {
  local dir=$1 port=$2
  (cd /tmp && as_pg $PGBIN/initdb -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions --auth=trust >/dev/null)
  { printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nwal_level = replica\nmax_wal_senders = 4\nmax_replication_slots = 4\n" "$port" "$dir"; cat; } |
    as_pg sh -c "cat >> '$dir/data/postgresql.conf'"
  (cd /tmp && as_pg $PGBIN/pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null)
}

# stop_cluster DIR: stops the cluster of start_cluster at once, if it runs.
stop_cluster() { (cd /tmp && as_pg $PGBIN/pg_ctl -D "$1/data" -m immediate -w stop >/dev/null 2>&1) || true; }
