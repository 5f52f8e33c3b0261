#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/build-fuzzers.sh
echo "== testing"
cd build
ctest --output-on-failure -j "${KVROUTE_JOBS:-$(nproc)}" "$@"
