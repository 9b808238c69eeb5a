#!/usr/bin/env bash
# End to end: tricky prompts created on `soratrack simulate`, tracked and polled by soratrack, exported with
# `export jobs --output`, then read back by Python's csv module and compared byte for byte.
# Usage: scripts/csv-roundtrip.sh SORATRACK_BINARY PYTHON
set -euo pipefail
binary=$1
python=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
key=sk-csv-roundtrip
"$binary" simulate --port 0 --speed 0 --seed 5 --api-key "$key" >"$work/url" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do
    url=$(head -n 1 "$work/url")
    [[ $url == http* ]] && break
    kill -0 $pid 2>/dev/null || { echo "simulator exited: $(cat "$work/url")"; exit 1; }
    sleep 0.05
done
[[ ${url:-} == http* ]] || { echo "simulator did not print its URL"; exit 1; }

# Create the jobs with the tricky prompts (stdlib only), saving the create responses and the expected prompts.
"$python" - "$url" "$key" "$work" <<'PY'
import json, sys, urllib.request
url, key, work = sys.argv[1:4]
prompts = [
    'plain',
    'a, comma',
    'say "cheese"',
    '"quoted at both ends"',
    'line one\r\nline two\nline three\rend',
    '=HYPERLINK("http://x.example","click")',
    '+1 -1 @sum',
    'emoji 🎬🦊 and accents: café, naïve, 日本語',
    '  leading and trailing spaces  ',
    'tab\tseparated',
    ',',
    '""',
]
expected = {}
with open(f"{work}/created.jsonl", "w") as created:
    for prompt in prompts:
        request = urllib.request.Request(f"{url}/videos", data=json.dumps({"prompt": prompt}).encode(),
                                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        body = urllib.request.urlopen(request).read()
        video = json.loads(body)
        expected[video["id"]] = prompt
        created.write(body.decode() + "\n")
with open(f"{work}/expected.json", "w") as handle:
    json.dump(expected, handle)
PY

export SORATRACK_API_KEY=$key SORATRACK_BASE_URL=$url SORATRACK_DB=$work/jobs.sqlite
"$binary" track --quiet --from "$work/created.jsonl"
"$binary" export jobs --output "$work/jobs.csv"
"$python" "$here/csv_roundtrip.py" "$work/jobs.csv" "$work/expected.json"
