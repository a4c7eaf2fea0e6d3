#!/usr/bin/env bash
# Runs the whole test suite (unit + integration against a real throwaway PostgreSQL 15).
set -euo pipefail
cd "$(dirname "$0")/.."
# A test that makes no progress for 5 minutes is a hang: the test host is killed (no dump) and the
# run fails at once, naming the test (.ci/run counts it as failed), instead of waiting for CI's timeout.
# Signals ignored by whoever started us (nohup, a background job of a script) would be inherited by every
# process the tests start, and the tests that stop receive-wal with SIGINT/SIGHUP would wait in vain.
exec env --default-signal=HUP,INT,QUIT,TERM dotnet test Barman.sln -c Release --logger "console;verbosity=normal" --blame-hang-timeout 5min --blame-hang-dump-type none "$@"
