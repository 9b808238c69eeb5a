#!/usr/bin/env bash
# Starts `soratrack simulate` on a free port and runs the official openai SDK against it.
# Usage: scripts/sdk-compat.sh SORATRACK_BINARY PYTHON
set -euo pipefail
binary=$1
python=$2
key=sk-sim-compat
out=$(mktemp)
"$binary" simulate --port 0 --speed 0 --seed 11 --failure-rate 0.5 --api-key "$key" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 200); do
    url=$(head -n 1 "$out")
    [[ $url == http* ]] && break
    kill -0 $pid 2>/dev/null || { echo "simulator exited: $(cat "$out")"; exit 1; }
    sleep 0.05
done
[[ ${url:-} == http* ]] || { echo "simulator did not print its URL"; exit 1; }
SORATRACK_SIM_KEY=$key "$python" "$(dirname "$0")/sdk_compat.py" "$url"
