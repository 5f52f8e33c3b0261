#!/bin/sh
# `kvroute deploy render` on the command line: what it prints and writes, and bad input (exit 2,
# the option or key at fault named).
# Usage: check_deploy_render_cli.sh KVROUTE
set -u
KVROUTE=$1
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fails=0

expect_bad() { # NAME EXPECTED-TEXT ARGS...
    name=$1; text=$2; shift 2
    "$KVROUTE" deploy render "$@" >"$OUT/out.txt" 2>"$OUT/err.txt"
    status=$?
    if [ $status -ne 2 ]; then
        echo "FAIL: $name: exit $status, expected 2"; cat "$OUT/err.txt"; fails=$((fails + 1)); return
    fi
    if ! grep -q -- "$text" "$OUT/err.txt"; then
        echo "FAIL: $name: stderr does not name $text:"; cat "$OUT/err.txt"; fails=$((fails + 1)); return
    fi
    echo "ok: $name"
}

expect_bad "unknown target" "--target" default --out "$OUT/a" --target minikube
expect_bad "both images" "--vllm-image and --emulator" default --out "$OUT/a" --vllm-image v:1 --emulator k:1
expect_bad "bad namespace" "--namespace" default --out "$OUT/a" --namespace Not_A_Label
expect_bad "long namespace" "--namespace" default --out "$OUT/a" --namespace "$(printf 'a%.0s' $(seq 64))"
expect_bad "bad image" "--epp-image" default --out "$OUT/a" --epp-image "a b"
expect_bad "unknown scenario" "no-such-scenario" no-such-scenario --out "$OUT/a"
expect_bad "bad --set" "vllm.block_size" default --set vllm.block_size=7 --out "$OUT/a"
expect_bad "no --out" "--out" default
[ -e "$OUT/a" ] && { echo "FAIL: bad input still wrote $OUT/a"; fails=$((fails + 1)); }

mkdir -p "$OUT/foreign" && echo keep >"$OUT/foreign/notes.txt"
expect_bad "foreign directory" "--force" default --out "$OUT/foreign"

if "$KVROUTE" deploy render default --set vllm.block_size=64 --out "$OUT/r" >"$OUT/out.txt" 2>&1 &&
   grep -q "10-vllm-deployment.yaml" "$OUT/out.txt" && [ -f "$OUT/r/.kvroute-render" ] &&
   grep -A1 -- '"--block-size"' "$OUT/r/10-vllm-deployment.yaml" | grep -q '"64"'; then
    echo "ok: render writes the files, the marker, and --set values"
else
    echo "FAIL: render default --set vllm.block_size=64"; cat "$OUT/out.txt"; fails=$((fails + 1))
fi
# Rendering again into the same directory is allowed (it is kvroute's).
"$KVROUTE" deploy render default --out "$OUT/r" >/dev/null 2>&1 || { echo "FAIL: re-render refused"; fails=$((fails + 1)); }
"$KVROUTE" deploy render default --out "$OUT/foreign" --force >/dev/null 2>&1 && [ -f "$OUT/foreign/notes.txt" ] ||
    { echo "FAIL: --force"; fails=$((fails + 1)); }

[ $fails -eq 0 ] && echo "PASS" || exit 1
