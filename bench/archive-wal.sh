#!/usr/bin/env bash
# Times `barman archive-wal` (published NativeAOT binary) on N real 16 MiB segments plus a trailing
# .partial, plain and compressed, beside the floor of the same disk (rename + fsync of N files, one
# syncfs). Reports seconds, segments/s, MB/s and peak RSS (median of REPS runs).
#
# usage: bench/archive-wal.sh [N...]          (default: 64 256)
# env:   MODES="none gzip lz4 zstd"  REPS=3  WORK=/var/tmp/barman-bench  SAMPLES=<dir of segments>
#        BARMAN=<binary> (default: out/barman, published if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
NS=${*:-64 256}
MODES=${MODES:-none gzip lz4 zstd}
REPS=${REPS:-3}
WORK=${WORK:-/var/tmp/barman-bench}
BARMAN=${BARMAN:-$PWD/out/barman}
[ -x /usr/bin/time ] || { apt-get install -y time >/dev/null; }
if [ ! -x "$BARMAN" ]; then
  dotnet publish src/Barman.Cli -c Release -o out >/dev/null
fi
mkdir -p "$WORK"
SAMPLES=${SAMPLES:-$WORK/samples}
if [ -z "$(ls -A "$SAMPLES" 2>/dev/null)" ]; then
  bench/capture-wal.sh "$SAMPLES" 8 >/dev/null
fi
mapfile -t SAMPLE_FILES < <(find "$SAMPLES" -maxdepth 1 -type f | sort)
HOME_DIR=$WORK/home
CONF=$WORK/barman.conf

fill() { # N: streaming dir with N consecutive segments + a trailing partial, written and synced
  rm -rf "$HOME_DIR"; mkdir -p "$HOME_DIR/pg/streaming"
  local n=$1 i
  for ((i = 1; i <= n; i++)); do
    place_segment "${SAMPLE_FILES[$(( (i - 1) % ${#SAMPLE_FILES[@]} ))]}" "$HOME_DIR/pg/streaming/$(printf '%08X%08X%08X' 1 $(( i / 256 )) $(( i % 256 )))"
  done
  place_segment "${SAMPLE_FILES[0]}" "$HOME_DIR/pg/streaming/$(printf '%08X%08X%08X' 1 $(( i / 256 )) $(( i % 256 ))).partial"
  sync
}

config() { # compression
  { echo "[barman]"; echo "barman_home = $HOME_DIR"; echo "barman_user = $(id -un)"; echo "log_file = $WORK/barman.log"
    echo; echo "[pg]"; echo "conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres"; echo "backup_method = postgres"
    echo "streaming_archiver = on"; echo "slot_name = barman"; [ "$1" = none ] || echo "compression = $1"; } > "$CONF"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# process start-up floor of the same binary (on a loaded machine this dominates small runs)
startup=()
for ((r = 0; r < 5; r++)); do
  start=$(date +%s%N); "$BARMAN" --version >/dev/null; end=$(date +%s%N)
  startup+=("$(echo "($end - $start) / 1000000000" | bc -l)")
done
printf 'barman --version (start-up floor): %.3f s   load: %s\n' "$(printf '%s\n' "${startup[@]}" | median)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %5s %9s %9s %9s %8s %9s %9s %9s\n' mode N seconds seg/s MB/s RSS_MB ratio cpu_s MB/cpu_s
for n in $NS; do
  for mode in $MODES; do
    config "$mode"
    secs=(); rss=(); cpu=(); ratio=
    for ((r = 0; r < REPS; r++)); do
      fill "$n"
      start=$(date +%s%N)
      /usr/bin/time -v -o "$WORK/time.txt" "$BARMAN" -c "$CONF" -q archive-wal pg
      end=$(date +%s%N)
      secs+=("$(echo "($end - $start) / 1000000000" | bc -l)")
      rss+=("$(awk -F: '/Maximum resident set size/ { print $2 / 1024 }' "$WORK/time.txt")")
      cpu+=("$(awk -F: '/User time|System time/ { s += $2 } END { print s }' "$WORK/time.txt")")
      archived=$(wc -l < "$HOME_DIR/pg/wals/xlog.db")
      [ "$archived" = "$n" ] || { echo "archived $archived of $n" >&2; exit 1; }
      ratio=$(awk -v n="$n" '{ s += $2 } END { printf "%.3f", n * 16777216 / s }' "$HOME_DIR/pg/wals/xlog.db")
    done
    s=$(printf '%s\n' "${secs[@]}" | median); m=$(printf '%s\n' "${rss[@]}" | median); c=$(printf '%s\n' "${cpu[@]}" | median)
    printf '%-6s %5d %9.3f %9.0f %9.0f %8.1f %9s %9.2f %9.0f\n' "$mode" "$n" "$s" "$(echo "$n / $s" | bc -l)" "$(echo "$n * 16.777216 / $s" | bc -l)" "$m" "$ratio" "$c" "$(echo "$n * 16.777216 / ($c + 0.0001)" | bc -l)"
  done
  # floor: fsync each (clean) file, rename all, fsync both directories; then one syncfs
  fill "$n"
  python3 - "$HOME_DIR/pg/streaming" "$HOME_DIR/pg/floor" <<'PY'
import os, sys, time
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
names = sorted(os.listdir(src))
t0 = time.perf_counter()
for n in names:
    fd = os.open(os.path.join(src, n), os.O_RDONLY); os.fsync(fd); os.close(fd)
for n in names:
    os.rename(os.path.join(src, n), os.path.join(dst, n))
for d in (src, dst):
    fd = os.open(d, os.O_RDONLY); os.fsync(fd); os.close(fd)
t1 = time.perf_counter()
fd = os.open(dst, os.O_RDONLY); os.syncfs(fd) if hasattr(os, "syncfs") else os.sync(); os.close(fd)
t2 = time.perf_counter()
print(f"floor  {len(names):5d} {t1 - t0:9.3f} {len(names) / (t1 - t0):9.0f}   (rename + fsync of N files; one syncfs after: {t2 - t1:.4f} s)")
PY
done
