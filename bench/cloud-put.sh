#!/usr/bin/env bash
# Object-storage drivers only (archive-wal does not use them yet): uploads N real 16 MiB segments to a
# local s3rver (and Azurite with AZURE=1) through barman's drivers, JOBS in flight, beside Debian's
# barman-cloud-wal-archive run once per segment as archive_command does (the reference of issue #13's
# >= 10x target). Reports seconds, MB/s and peak RSS (median of REPS runs).
#
# usage: bench/cloud-put.sh [N]                    (default: 64)
# env:   JOBS="1 4 8"  MODES="file pipe"  REPS=3  REF=8 (segments given to barman-cloud)  AZURE=0|1
#        WORK=/var/tmp/barman-cloud-bench  SAMPLES=<dir of segments> (default: captured by capture-wal.sh)
# needs: node + npm (tests/tools), barman-cli-cloud (Debian), /usr/bin/time
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${1:-64}
JOBS=${JOBS:-1 4 8}
MODES=${MODES:-file pipe}
REPS=${REPS:-3}
REF=${REF:-8}
AZURE=${AZURE:-0}
WORK=${WORK:-/var/tmp/barman-cloud-bench}
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
command -v barman-cloud-wal-archive >/dev/null || apt-get install -y -qq barman-cli-cloud >/dev/null
[ -x tests/tools/node_modules/.bin/s3rver ] || (cd tests/tools && npm ci --no-audit --no-fund >/dev/null)
BENCH=$WORK/driver/ObjectStoreBench
if [ ! -x "$BENCH" ] || [ -n "${REBUILD:-}" ]; then
  dotnet publish bench/ObjectStoreBench -c Release -o "$WORK/driver" >/dev/null
fi
mkdir -p "$WORK"
SAMPLES=${SAMPLES:-$WORK/samples}
if [ -z "$(ls -A "$SAMPLES" 2>/dev/null)" ]; then
  bench/capture-wal.sh "$SAMPLES" 8 >/dev/null
fi
mapfile -t SAMPLE_FILES < <(find "$SAMPLES" -maxdepth 1 -type f | sort)
SEGS=$WORK/segments
rm -rf "$SEGS"; mkdir -p "$SEGS"
for ((i = 1; i <= N; i++)); do
  cp "${SAMPLE_FILES[$(( (i - 1) % ${#SAMPLE_FILES[@]} ))]}" "$SEGS/$(printf '%08X%08X%08X' 1 $(( i / 256 )) $(( i % 256 )))"
done
mapfile -t SEG_FILES < <(find "$SEGS" -type f | sort)
sync

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK/s3" "$WORK/az" "$SEGS"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "no server on $1" >&2; exit 1; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

S3PORT=$(free_port); rm -rf "$WORK/s3"; mkdir -p "$WORK/s3"
# --openssl-legacy-provider: s3rver 3.7.1's listing tokens use DES (see docs/performance.md)
NODE_OPTIONS=--openssl-legacy-provider tests/tools/node_modules/.bin/s3rver -d "$WORK/s3" -a 127.0.0.1 -p "$S3PORT" \
  --configure-bucket bench -s >"$WORK/s3rver.log" 2>&1 &
PIDS+=($!)
wait_port "$S3PORT"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
if [ "$AZURE" = 1 ]; then
  AZPORT=$(free_port); rm -rf "$WORK/az"; mkdir -p "$WORK/az"
  tests/tools/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$AZPORT" --location "$WORK/az" --skipApiVersionCheck --silent \
    >"$WORK/azurite.log" 2>&1 &
  PIDS+=($!)
  wait_port "$AZPORT"
  export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZPORT/devstoreaccount1;"
fi

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)   segments: $N x 16 MiB   $(node --version)"
printf '%-28s %5s %4s %9s %9s %9s %8s\n' what N jobs seconds s/seg MB/s RSS_MB

# barman-cloud-wal-archive, one process per segment, one after another (what archive_command does)
for flag in "" "-z"; do
  secs=(); rss=()
  for ((i = 0; i < REF && i < N; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -v -o "$WORK/time.txt" barman-cloud-wal-archive $flag --endpoint-url "http://127.0.0.1:$S3PORT" \
      "s3://bench/ref$flag-$RANDOM" pg "${SEG_FILES[$i]}"
    end=$(date +%s%N)
    secs+=("$(echo "($end - $start) / 1000000000" | bc -l)")
    rss+=("$(awk -F: '/Maximum resident set size/ { print $2 / 1024 }' "$WORK/time.txt")")
  done
  s=$(printf '%s\n' "${secs[@]}" | median); m=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
  printf '%-28s %5d %4d %9.3f %9.3f %9.1f %8.1f\n' "barman-cloud-wal-archive ${flag:-plain}" "${#secs[@]}" 1 \
    "$(echo "$s * ${#secs[@]}" | bc -l)" "$s" "$(echo "16.777216 / $s" | bc -l)" "$m"
done

run_driver() { # label kind endpoint bucket
  local label=$1 kind=$2 endpoint=$3 bucket=$4 jobs mode r
  for mode in $MODES; do
    for jobs in $JOBS; do
      secs=(); rss=()
      for ((r = 0; r < REPS; r++)); do
        /usr/bin/time -v -o "$WORK/time.txt" "$BENCH" "$kind" "$endpoint" "$bucket" "run-$mode-$jobs-$r-$RANDOM" "$jobs" "$mode" "${SEG_FILES[@]}" \
          >"$WORK/out.txt"
        read -r files bytes s mbs <"$WORK/out.txt"
        [ "$files" = "$N" ] || { echo "uploaded $files of $N" >&2; exit 1; }
        secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); v = 0; for (i = 1; i <= n; i++) v = v * 60 + t[i]; print v }' "$WORK/time.txt")")
        rss+=("$(awk -F: '/Maximum resident set size/ { print $2 / 1024 }' "$WORK/time.txt")")
      done
      s=$(printf '%s\n' "${secs[@]}" | median); m=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
      printf '%-28s %5d %4d %9.3f %9.3f %9.1f %8.1f\n' "$label $mode" "$N" "$jobs" "$s" "$(echo "$s / $N" | bc -l)" "$(echo "$N * 16.777216 / $s" | bc -l)" "$m"
    done
  done
}
run_driver "driver s3rver" s3 "http://127.0.0.1:$S3PORT" bench
if [ "$AZURE" = 1 ]; then
  az_container=$(python3 -c 'import uuid;print("bench" + uuid.uuid4().hex[:20])')
  # the driver does not create containers: barman-cloud-wal-archive -t does (setup_bucket)
  barman-cloud-wal-archive --cloud-provider azure-blob-storage "http://127.0.0.1:$AZPORT/devstoreaccount1/$az_container" pg "${SEG_FILES[0]}" >/dev/null
  run_driver "driver azurite" azure "http://127.0.0.1:$AZPORT/devstoreaccount1" "$az_container"
fi
