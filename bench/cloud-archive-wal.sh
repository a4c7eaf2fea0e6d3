#!/usr/bin/env bash
# archive-wal with wals_directory on object storage (issue #13): N real 16 MiB segments queued in
# streaming/ are archived to a local s3rver by one `barman archive-wal` run (published NativeAOT binary),
# plain and zstd, beside Debian's barman-cloud-wal-archive (3.4: plain and -z, it has no zstd) run once per segment
# as archive_command does.
# Reports wall-clock seconds, MB/s of WAL archived and peak RSS (median of REPS runs).
#
# usage: bench/cloud-archive-wal.sh [N]          (default: 64)
# env:   COMPRESSIONS="none zstd"  JOBS=8 (archive_upload_jobs)  REPS=1  REF=4 (segments given to barman-cloud)
#        WORK=/var/tmp/barman-cloud-archive-bench  BARMAN=<binary> (default: out/barman, published if missing)
#        SAMPLES=<dir of segments> (default: captured by capture-wal.sh)
# needs: node + npm (tests/tools), barman-cli-cloud (Debian), /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-64}
COMPRESSIONS=${COMPRESSIONS:-none zstd}
JOBS=${JOBS:-8}
REPS=${REPS:-1}
REF=${REF:-4}
WORK=${WORK:-/var/tmp/barman-cloud-archive-bench}
BARMAN=$(barman_binary "${BARMAN:-}")
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v barman-cloud-wal-archive >/dev/null || apt-get install -y -qq barman-cli-cloud >/dev/null
[ -x tests/tools/node_modules/.bin/s3rver ] || (cd tests/tools && npm ci --no-audit --no-fund >/dev/null)
mkdir -p "$WORK"
SAMPLES=${SAMPLES:-$WORK/samples}
if [ -z "$(ls -A "$SAMPLES" 2>/dev/null)" ]; then
  bench/capture-wal.sh "$SAMPLES" 8 >/dev/null
fi
mapfile -t SAMPLE_FILES < <(find "$SAMPLES" -maxdepth 1 -type f | sort)
seg() { printf '%08X%08X%08X' 1 $(( $1 / 256 )) $(( $1 % 256 )); }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK/s3" "$WORK/home" "$WORK/ref"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "no server on $1" >&2; exit 1; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); v = 0; for (i = 1; i <= n; i++) v = v * 60 + t[i]; print v }' "$1"; }
rss() { awk -F: '/Maximum resident set size/ { print $2 / 1024 }' "$1"; }
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }
# CPU seconds s3rver (one node process, one thread of JavaScript) has used so far: the local store's own ceiling
s3rver_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/${PIDS[0]}/stat"; }

S3PORT=$(free_port); rm -rf "$WORK/s3"; mkdir -p "$WORK/s3"
# --openssl-legacy-provider: s3rver 3.7.1's listing tokens use DES (see docs/performance.md)
NODE_OPTIONS=--openssl-legacy-provider tests/tools/node_modules/.bin/s3rver -d "$WORK/s3" -a 127.0.0.1 -p "$S3PORT" \
  --configure-bucket bench -s >"$WORK/s3rver.log" 2>&1 &
PIDS+=($!)
wait_port "$S3PORT"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL="http://127.0.0.1:$S3PORT"

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)   segments: $N x 16 MiB   $(node --version)   $BARMAN"
printf '%-34s %5s %9s %9s %9s %8s %7s %9s\n' what N seconds s/seg MB/s RSS_MB CPU_s s3rver_s

# barman-cloud-wal-archive, one process per segment, one after another (what archive_command does)
rm -rf "$WORK/ref"; mkdir -p "$WORK/ref"
for ((i = 1; i <= N; i++)); do
  place_segment "${SAMPLE_FILES[$(( (i - 1) % ${#SAMPLE_FILES[@]} ))]}" "$WORK/ref/$(seg "$i")"
done
for flag in "" "-z"; do
  secs=(); rsss=()
  for ((i = 1; i <= REF && i <= N; i++)); do
    /usr/bin/time -v -o "$WORK/time.txt" barman-cloud-wal-archive $flag --endpoint-url "$AWS_ENDPOINT_URL" "s3://bench/ref$flag-$RANDOM" pg "$WORK/ref/$(seg "$i")" \
      >/dev/null 2>"$WORK/ref.err" || { cat "$WORK/ref.err" >&2; exit 1; }
    secs+=("$(wall "$WORK/time.txt")"); rsss+=("$(rss "$WORK/time.txt")")
  done
  s=$(printf '%s\n' "${secs[@]}" | median); m=$(printf '%s\n' "${rsss[@]}" | sort -g | tail -1)
  printf '%-34s %5d %9.3f %9.3f %9.1f %8.1f %7s %9s\n' "barman-cloud-wal-archive ${flag:-plain}" "${#secs[@]}" \
    "$(echo "$s * ${#secs[@]}" | bc -l)" "$s" "$(echo "16.777216 / $s" | bc -l)" "$m" - -
done

# barman archive-wal: the whole queue in one run
for comp in $COMPRESSIONS; do
  secs=(); rsss=()
  for ((r = 0; r < REPS; r++)); do
    home=$WORK/home; rm -rf "$home"; mkdir -p "$home/pg/streaming"
    for ((i = 1; i <= N; i++)); do
      cp "$WORK/ref/$(seg "$i")" "$home/pg/streaming/$(seg "$i")"
    done
    : >"$home/pg/streaming/$(seg $((N + 1))).partial"
    cat >"$home/barman.conf" <<CONF
[barman]
barman_home = $home
barman_user = $(id -un)
log_file = $home/barman.log

[pg]
conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres
backup_method = postgres
streaming_archiver = on
archiver = on
slot_name = barman
wals_directory = s3://bench/run-$comp-$r-$RANDOM
compression = $([ "$comp" = none ] || echo "$comp")
archive_upload_jobs = $JOBS
CONF
    sync
    store_before=$(s3rver_cpu)
    /usr/bin/time -v -o "$WORK/time.txt" "$BARMAN" -c "$home/barman.conf" -q archive-wal pg
    store_cpu=$(echo "$(s3rver_cpu) - $store_before" | bc -l); own_cpu=$(cpu "$WORK/time.txt")
    archived=$(wc -l <"$home/pg/pg-xlog.db")
    [ "$archived" = "$N" ] || { echo "archived $archived of $N" >&2; exit 1; }
    secs+=("$(wall "$WORK/time.txt")"); rsss+=("$(rss "$WORK/time.txt")")
  done
  s=$(printf '%s\n' "${secs[@]}" | median); m=$(printf '%s\n' "${rsss[@]}" | sort -g | tail -1)
  printf '%-34s %5d %9.3f %9.3f %9.1f %8.1f %7.2f %9.2f\n' "barman archive-wal $comp (jobs $JOBS)" "$N" "$s" "$(echo "$s / $N" | bc -l)" \
    "$(echo "$N * 16.777216 / $s" | bc -l)" "$m" "$own_cpu" "$store_cpu"
done
