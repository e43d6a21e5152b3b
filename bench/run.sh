#!/usr/bin/env bash
# The benchmark: install the peers (pinned, into bench/.peers/), build gatelint and the
# parse-only bound in release mode, generate the inputs (bench/out/inputs/), then time, measure
# and score every tool (bench/run.py; results in bench/out/results/results.md).
#
#   bench/run.sh                      everything (the large peer runs take a long time)
#   SIZES=small,medium bench/run.sh   only some sizes (labels: small medium x1 x4 large, and
#                                     the scale check: xl, a 50 MB spec, and many, a 200 MB dir)
#   TOOLS=gatelint,parse-only bench/run.sh
#   RUNS=10 PEER_RUNS=3 TIMEOUT=1800  timing runs and the per-run limit for peers (seconds)
#
# Run it on a quiet machine: the numbers are wall-clock times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

SIZES="${SIZES:-small,medium,x1,x4,large}"
export SIZES

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    bash "$here/install-peers.sh"
fi
# The Spectral ruleset sits beside node_modules so that `extends` resolves the package.
printf 'extends:\n  - "@stoplight/spectral-owasp-ruleset"\n' > "$here/.peers/node/.spectral.yaml"

cargo build --release --locked --quiet --bin gatelint --example parse_only

# Generate only what is missing: inputs depend on nothing but the generator and the seed.
stamp="$(sha256sum "$here/gen.py" | cut -c1-16)"
for label in ${SIZES//,/ }; do
    if [ "$(cat "$here/out/inputs/$label/.stamp" 2>/dev/null)" != "$stamp" ]; then
        python3 "$here/gen.py" "$here/out/inputs" --sizes "$label"
        echo "$stamp" > "$here/out/inputs/$label/.stamp"
    fi
done

python3 "$here/run.py"
