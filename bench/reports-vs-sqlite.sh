#!/usr/bin/env bash
# Times every report and `export snapshots` of a release build on a history of 100 000 jobs and
# 2 000 000 snapshots, next to the same query run by the sqlite3 command-line tool, and prints a table.
#
#   bench/reports-vs-sqlite.sh [BINARY]
#
# BINARY defaults to .build-static/release/soratrack (`make bench` builds it);
# soratrack-seed is taken from the same folder. The database is seeded once (about 3 minutes) at
# $BENCH_DB (default: soratrack-bench-100k-2m.sqlite in the temporary folder) and reused.
# Both sides write CSV to /dev/null. SQLite has no percentiles, so the reference for `report durations`
# is the query that fetches the sorted durations of each group (what soratrack streams before it
# interpolates). Uses hyperfine when installed (mean of several runs), else /usr/bin/time (best of 3).
set -euo pipefail

cd "$(dirname "$0")/.."
BINARY=${1:-.build-static/release/soratrack}
SEED="$(dirname "$BINARY")/soratrack-seed"
DB=${BENCH_DB:-${TMPDIR:-/tmp}/soratrack-bench-100k-2m.sqlite}
END=1795910400 # 2026-11-29T00:00:00Z: the seeded history ends here, and reports use it as --now
RUNS=${BENCH_RUNS:-5}

for tool in "$BINARY" "$SEED"; do
    [ -x "$tool" ] || { echo "bench: $tool is missing: swift build -c release --product $(basename "$tool")" >&2; exit 64; }
done
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 command-line tool is missing (apt-get install sqlite3)" >&2; exit 69; }

if [ ! -s "$DB" ]; then
    echo "seeding $DB (100000 jobs, 2000000 snapshots) ..."
    "$SEED" --db "$DB" --jobs 100000 --snapshots 2000000 --seed 1 --end "$END"
fi
# A history seeded by an older soratrack gains the newer migrations here, before any sqlite3 reference reads it.
"$BINARY" jobs --db "$DB" --limit 1 --format csv >/dev/null
echo "database: $DB ($(du -h "$DB" | cut -f1); $(sqlite3 "$DB" 'SELECT count(*) FROM job') jobs, $(sqlite3 "$DB" 'SELECT count(*) FROM snapshot') snapshots)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The SQL each soratrack measure runs, as close as the sqlite3 tool can get.
cat >"$WORK/durations.sql" <<'SQL'
SELECT 'all' AS grp, completed_at - created_at AS duration FROM job
WHERE phase IN ('completed') AND created_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY grp, duration;
SQL
cat >"$WORK/durations-model.sql" <<'SQL'
SELECT coalesce(nullif(model, ''), 'unknown') AS grp, completed_at - created_at AS duration FROM job
WHERE phase IN ('completed') AND created_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY grp, duration;
SQL
cat >"$WORK/durations-day.sql" <<'SQL'
SELECT coalesce(date(created_at, 'unixepoch'), 'unknown') AS grp, completed_at - created_at AS duration FROM job
WHERE phase IN ('completed') AND created_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY grp, duration;
SQL
cat >"$WORK/failures-model.sql" <<'SQL'
SELECT coalesce(nullif(model, ''), 'unknown') AS grp, count(*) AS total, sum(phase = 'completed') AS completed,
    sum(phase = 'failed') AS failed, sum(phase IN ('queued', 'running', 'unknown')) AS pending,
    round(1.0 * sum(phase = 'failed') / nullif(sum(phase IN ('completed', 'failed')), 0), 4) AS failure_rate
FROM job GROUP BY grp ORDER BY grp;
SQL
cat >"$WORK/failures-code.sql" <<'SQL'
SELECT coalesce(nullif(error_code, ''), 'unknown') AS error_code, count(*) AS count,
    round(1.0 * count(*) / (SELECT count(*) FROM job WHERE phase = 'failed'), 4) AS share
FROM job WHERE phase = 'failed' GROUP BY 1 ORDER BY 1;
SQL
cat >"$WORK/expiring.sql" <<SQL
SELECT video_id, model, strftime('%Y-%m-%dT%H:%M:%SZ', completed_at, 'unixepoch') AS completed_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', expires_at, 'unixepoch') AS expires_at, expires_at - $END AS expires_in_s,
    CASE WHEN EXISTS (SELECT 1 FROM download WHERE download.job_id = job.id AND download.variant = 'video'
        AND download.ok = 1) THEN 'true' ELSE 'false' END AS downloaded
FROM job WHERE phase = 'completed' AND expires_at IS NOT NULL AND expires_at > $END AND expires_at <= $END + 3600
ORDER BY expires_at, video_id;
SQL
cat >"$WORK/export-jobs.sql" <<'SQL'
SELECT video_id, coalesce(local_state, status) AS status, model, size, seconds, progress, prompt,
    strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch') AS created_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', completed_at, 'unixepoch') AS completed_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', expires_at, 'unixepoch') AS expires_at, completed_at - created_at AS duration_s,
    error_code, error_message, remixed_from_video_id, label,
    strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at / 1000.0, 'unixepoch') AS first_seen_at,
    strftime('%Y-%m-%dT%H:%M:%fZ', last_polled_at / 1000.0, 'unixepoch') AS last_polled_at, polls, phase,
    strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT max(download.finished_at) FROM download WHERE download.job_id = job.id
        AND download.variant = 'video' AND download.ok = 1) / 1000.0, 'unixepoch') AS downloaded_at
FROM job ORDER BY created_at, id;
SQL
cp bench/sql/export-snapshots.sql "$WORK/export-snapshots.sql"  # shared with bench/run.sh

# measure name | soratrack arguments | SQL file
MEASURES=(
    "report durations|report durations --format csv|durations.sql"
    "report durations --by model|report durations --by model --format csv|durations-model.sql"
    "report durations --by day|report durations --by day --format csv|durations-day.sql"
    "report failures --by model|report failures --by model --format csv|failures-model.sql"
    "report failures --by error_code|report failures --by error_code --format csv|failures-code.sql"
    "report expiring|report expiring --now $END --format csv|expiring.sql"
    "export jobs|export jobs|export-jobs.sql"
    "export snapshots|export snapshots|export-snapshots.sql"
)

# Seconds one command takes (writing to /dev/null).
seconds() {
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/run.json" "$1" >/dev/null 2>&1
        python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$WORK/run.json"
    else
        local best=""
        for _ in 1 2 3; do
            local t
            t=$( { /usr/bin/time -f %e sh -c "$1 >/dev/null" ; } 2>&1 | tail -n1)
            if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        done
        echo "$best"
    fi
}

echo
printf '%-34s %12s %12s %8s\n' "measure" "soratrack s" "sqlite3 s" "ratio"
for entry in "${MEASURES[@]}"; do
    IFS='|' read -r name arguments sql <<<"$entry"
    ours=$(seconds "$BINARY $arguments --db $DB")
    theirs=$(seconds "sqlite3 -csv -header $DB '.read $WORK/$sql'")
    ratio=$(awk "BEGIN{ if ($theirs > 0) printf \"%.2f\", $ours / $theirs; else print \"-\" }")
    printf '%-34s %12s %12s %8s\n' "$name" "$ours" "$theirs" "$ratio"
done
