#!/usr/bin/env bash
# Runs the whole test suite (unit + integration against a real throwaway PostgreSQL 15).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test Barman.sln -c Release --logger "console;verbosity=normal" "$@"
