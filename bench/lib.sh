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
