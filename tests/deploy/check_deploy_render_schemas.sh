#!/bin/sh
# Every built-in scenario x every routing policy (each EPP profile) x both targets x vLLM and
# emulator, rendered by `kvroute deploy render` and checked by ../shared/schemas/validate.py:
# unknown fields, wrong types and missing required fields are errors. Istio's DestinationRule has
# no schema there: those files alone are checked with --ignore-missing-schemas (their content is
# pinned by the golden files of tst_deploy_render).
# Usage: check_deploy_render_schemas.sh KVROUTE VALIDATE_PY
set -u
KVROUTE=$1
VALIDATE=$2
if [ ! -f "$VALIDATE" ]; then
    echo "SKIP: $VALIDATE is absent (the schemas live in ../shared, beside the project)"
    exit 77
fi
if ! python3 -c 'import yaml, jsonschema' 2>/dev/null; then
    echo "FAIL: validate.py needs python3-yaml and python3-jsonschema (scripts/debian-packages.txt)"
    exit 1
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
n=0
for scenario in $("$KVROUTE" scenarios | awk '{print $1}'); do
    for policy in kube-service round-robin random least-request header-hash \
                  epp:precise epp:approximate epp:load epp:random epp:default; do
        case $policy in
            epp:*) sets="--set routing.policy=epp --set routing.profile=${policy#epp:}" ;;
            *) sets="--set routing.policy=$policy" ;;
        esac
        for target in kubernetes openshift; do
            for pods in vllm emulator; do
                dir="$OUT/$scenario-$(echo "$policy" | tr : -)-$target-$pods"
                extra=""
                [ "$pods" = emulator ] && extra="--emulator quay.io/example/kvroute:0.1.0 --dashboard quay.io/example/kvroute:0.1.0"
                # shellcheck disable=SC2086
                if ! "$KVROUTE" deploy render "$scenario" $sets --target "$target" --namespace kvroute-test \
                        $extra --out "$dir" >"$dir.log" 2>&1; then
                    echo "FAIL: kvroute deploy render $scenario $sets --target $target $extra"
                    cat "$dir.log"
                    exit 1
                fi
                n=$((n + 1))
            done
        done
    done
done
echo "rendered $n combinations"
strict=$(find "$OUT" -name '*.yaml' ! -name '25-destinationrule.yaml' | sort)
istio=$(find "$OUT" -name '25-destinationrule.yaml' | sort)
# shellcheck disable=SC2086
python3 "$VALIDATE" $strict >"$OUT/strict.txt" 2>&1
status=$?
tail -1 "$OUT/strict.txt"
if [ $status -ne 0 ]; then
    grep -v ' valid, ' "$OUT/strict.txt" | head -40
    echo "FAIL: rendered manifests do not validate"
    exit 1
fi
# shellcheck disable=SC2086
python3 "$VALIDATE" --ignore-missing-schemas $istio >"$OUT/istio.txt" 2>&1 || {
    cat "$OUT/istio.txt" | head -20
    echo "FAIL: the DestinationRule files do not even parse"
    exit 1
}
echo "PASS: $n renders valid (DestinationRules: $(echo "$istio" | wc -l) checked without a schema)"
