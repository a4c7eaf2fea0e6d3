#!/usr/bin/env bash
# Times `barman get-wal` the way PostgreSQL's recovery calls it: one process per segment
# (restore_command = 'barman get-wal pg %f > %p'), over N real 16 MiB segments archived plain and
# gzip-compressed by this project's archive-wal, beside Debian's Barman 3.4 on the same archive when
# it is installed. Also one plain and one gzip segment end to end with hyperfine.
#
# usage: bench/get-wal.sh [N=32]
# env:   WORK=/var/tmp/barman-bench-getwal  SAMPLES=<dir of segments>  BARMAN=<binary> (default: out/barman, published if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${1:-32}
WORK=${WORK:-/var/tmp/barman-bench-getwal}
BARMAN=${BARMAN:-$PWD/out/barman}
[ -x "$BARMAN" ] || BARMAN=$PWD/$(barman_binary)
need_hyperfine
mkdir -p "$WORK"
SAMPLES=${SAMPLES:-$WORK/samples}
if [ -z "$(ls -A "$SAMPLES" 2>/dev/null)" ]; then
  bench/capture-wal.sh "$SAMPLES" 8 >/dev/null
fi
mapfile -t SAMPLE_FILES < <(find "$SAMPLES" -maxdepth 1 -type f | sort)
name() { printf '%08X%08X%08X' 1 $(( $1 / 256 )) $(( $1 % 256 )); }

setup() { # mode: an archive of N segments, by our archive-wal
  local mode=$1 home=$WORK/$1 i
  rm -rf "$home"; mkdir -p "$home/pg/incoming" "$WORK/expected"
  { echo "[barman]"; echo "barman_home = $home"; echo "barman_user = $(id -un)"; echo "log_file = $home/barman.log"
    echo; echo "[pg]"; echo "description = get-wal bench"; echo "conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres"
    echo "backup_method = postgres"; echo "archiver = on"; [ "$mode" = plain ] || echo "compression = $mode"; } > "$WORK/$mode.conf"
  for ((i = 1; i <= N; i++)); do
    [ -f "$WORK/expected/$(name "$i")" ] || place_segment "${SAMPLE_FILES[$(( (i - 1) % ${#SAMPLE_FILES[@]} ))]}" "$WORK/expected/$(name "$i")"
    cp "$WORK/expected/$(name "$i")" "$home/pg/incoming/$(name "$i")"
  done
  "$BARMAN" -c "$WORK/$mode.conf" -q archive-wal pg
  sync
}

loop() { # binary mode: seconds for N sequential get-wal processes, each into a new file as %p (PostgreSQL removes
  # RECOVERYXLOG before each restore_command); every file is compared with the archived segment afterwards
  local bin=$1 mode=$2 i start end
  rm -rf "$WORK/restored"; mkdir -p "$WORK/restored"; sync
  start=$(date +%s%N)
  for ((i = 1; i <= N; i++)); do
    "$bin" -c "$WORK/$mode.conf" get-wal pg "$(name "$i")" > "$WORK/restored/$(name "$i")"
  done
  end=$(date +%s%N)
  for ((i = 1; i <= N; i++)); do
    cmp -s "$WORK/restored/$(name "$i")" "$WORK/expected/$(name "$i")" || { echo "$bin: segment $i differs" >&2; exit 1; }
  done
  rm -rf "$WORK/restored"
  echo "($end - $start) / 1000000000" | bc -l
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)   N=$N   binary: $BARMAN"
printf '%-8s %-12s %10s %12s\n' archive tool seconds per_segment_ms
for mode in plain gzip; do
  setup "$mode"
  s=$(loop "$BARMAN" "$mode"); printf '%-8s %-12s %10.2f %12.1f\n' "$mode" barman-dotnet "$s" "$(echo "$s * 1000 / $N" | bc -l)"
  if [ -x /usr/bin/barman ]; then
    s=$(loop /usr/bin/barman "$mode"); printf '%-8s %-12s %10.2f %12.1f\n' "$mode" barman-3.4 "$s" "$(echo "$s * 1000 / $N" | bc -l)"
  fi
done
# one segment end to end, stdout to a file as restore_command does
for mode in plain gzip; do
  hyperfine -N --warmup 3 --runs 30 --output "$WORK/RECOVERYXLOG" --export-json "$WORK/$mode.json" \
    "$BARMAN -c $WORK/$mode.conf get-wal pg $(name 1)" >/dev/null
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%-8s one segment: mean %.1f ms, median %.1f ms, min %.1f ms' % (sys.argv[2], r['mean']*1000, r['median']*1000, r['min']*1000))" "$WORK/$mode.json" "$mode"
done
