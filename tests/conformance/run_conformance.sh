#!/usr/bin/env bash
# Replays every shared conformance trace through `kvroute conformance` and diffs the result
# against vLLM v0.10.0's own outputs with the shared compare.py. Usage: run_conformance.sh KVROUTE
set -euo pipefail
kvroute=$1
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../../shared" && pwd)
# basic.jsonl was recorded with hash_algo=builtin and PYTHONHASHSEED unset, so vLLM drew its
# NONE_HASH from os.urandom and the trace does not record it. Recover that one input from the
# trace's first BlockStored event (see recover_none_hash.py); every other hash is computed.
# The override applies only to traces without PYTHONHASHSEED.
KVROUTE_NONE_HASH=$(python3 "$here/recover_none_hash.py" "$shared/conformance/basic.expected.json")
export KVROUTE_NONE_HASH
exec python3 "$shared/conformance/compare.py" --cmd "$kvroute conformance" "$shared/conformance"
