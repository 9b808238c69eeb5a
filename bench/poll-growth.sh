#!/usr/bin/env bash
# Database growth per poll: N open jobs on a simulator whose clock stands still (every poll unchanged),
# synced K times; prints bytes of used database pages per recorded snapshot.
# Usage: bench/poll-growth.sh [BINARY] [JOBS] [SYNCS]
set -euo pipefail
binary=${1:-.build/debug/soratrack}
jobs=${2:-1000}
syncs=${3:-10}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$binary" simulate --port 0 --speed 0 --failure-rate 0 --api-key sk-bench >"$work/url" 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do url=$(head -n1 "$work/url" 2>/dev/null || true); [[ $url == http* ]] && break; sleep 0.05; done
export SORATRACK_API_KEY=sk-bench SORATRACK_BASE_URL=$url SORATRACK_DB=$work/jobs.sqlite
for i in $(seq 1 "$jobs"); do
  curl -s -H "Authorization: Bearer sk-bench" -H 'content-type: application/json' -d "{\"prompt\":\"clip $i\"}" "$url/videos"
  echo
done >"$work/created.jsonl"
"$binary" track --from "$work/created.jsonl" --quiet
used() { sqlite3 "$SORATRACK_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null; sqlite3 "$SORATRACK_DB" "SELECT (p.page_count - f.freelist_count) * s.page_size FROM pragma_page_count p, pragma_freelist_count f, pragma_page_size s"; }
before=$(used)
snapshots_before=$(sqlite3 "$SORATRACK_DB" "SELECT count(*) FROM snapshot")
start=$(date +%s.%N)
for _ in $(seq 1 "$syncs"); do "$binary" sync --quiet --concurrency 16; done
end=$(date +%s.%N)
after=$(used)
snapshots_after=$(sqlite3 "$SORATRACK_DB" "SELECT count(*) FROM snapshot")
polls=$((snapshots_after - snapshots_before))
echo "unchanged polls: $polls, database growth: $((after - before)) bytes, per poll: $(( (after - before) / polls )) bytes"
echo "bodies stored: $(sqlite3 "$SORATRACK_DB" "SELECT count(*) FROM body"), sync wall time: $(echo "$end - $start" | bc) s for $syncs syncs"
