#!/usr/bin/env bash
# The PostgreSQL rows of the README's Performance table, run by bench/run.sh (part `postgres`) inside
# scripts/with-postgres.sh (a throwaway server on 127.0.0.1). Prints table rows `measure|soratrack|reference|ratio|goal|met`
# on stdout and notes (`- …`) after them.
#
#   bench/postgres.sh RELEASE_DIR SQLITE_2M_DB
#
#   1. sync throughput on PostgreSQL against the same sync on SQLite: PG_JOBS open jobs, zero latency, concurrency 16
#   2. one, two and four `sync` runners started together on one PostgreSQL database, PG_RUNNER_JOBS jobs at 50 ms
#      latency, concurrency 4 each: the speed-up over one runner, and double polls in the round (goal 0)
#   3. bytes per unchanged poll on PostgreSQL: growth of soratrack's tables and indexes over PG_SYNCS syncs
#   4. `report durations`, `report failures --by model` and `export jobs` on the 2 000 000 snapshot history
#      (copied into PostgreSQL with `soratrack copy`) against psql running the same query to /dev/null
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASE=${1:-.build-static/release}
BIG_DB=${2:-}
BIN=$RELEASE/soratrack
JOBS=${PG_JOBS:-2000}
RUNNER_JOBS=${PG_RUNNER_JOBS:-800}
SYNCS=${PG_SYNCS:-5}
KEY=sk-bench
SERVER=${SORATRACK_TEST_POSTGRES:?run inside scripts/with-postgres.sh}
PSQL=${SORATRACK_TEST_POSTGRES_BIN:-/usr/bin}/psql
WORK=$(mktemp -d)
SIM_PID=""
cleanup() {
    [ -n "$SIM_PID" ] && { kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
met() { awk "BEGIN { print (($1) ? \"yes\" : \"NO\") }"; }
NOTES=()
newdb() { "$PSQL" -X -q -d "$SERVER/postgres" -c "CREATE DATABASE $1" >/dev/null; echo "$SERVER/$1?sslmode=disable"; }
q() { "$PSQL" -X -q -A -t -d "${1%%\?*}" -c "$2"; }

start_sim() {
    "$BIN" simulate --port 0 --api-key "$KEY" "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
    SIM_PID=$!
    SIM_URL=""
    for _ in $(seq 1 600); do
        SIM_URL=$(head -n 1 "$WORK/sim.out" 2>/dev/null || true)
        [[ $SIM_URL == http://127.0.0.1:* ]] && return 0
        sleep 0.05
    done
    log "the simulator did not start: $(cat "$WORK/sim.err")"; exit 1
}
stop_sim() { kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""; }
scenario() {
    python3 - "$@" <<'PY'
import json, sys
path, ids_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = ["video_pg_%06d" % i for i in range(count)]
videos = [{"id": v, "prompt": "bench clip %d" % i, "model": "sora-2", "seconds": "8", "size": "1280x720",
           "outcome": "completed", "duration": "24h"} for i, v in enumerate(ids)]
json.dump({"videos": videos}, open(path, "w"))
open(ids_path, "w").write("\n".join(ids) + "\n")
PY
}
export SORATRACK_API_KEY=$KEY

# --- 1. sync throughput: PostgreSQL against SQLite ---
scenario "$WORK/open.json" "$WORK/open.ids" "$JOBS"
rate() { # DB: the rate of one sync of every open job (jobs/s)
    start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
    "$BIN" track --no-poll --from "$WORK/open.ids" --quiet --db "$1" --base-url "$SIM_URL"
    local start end
    start=$(now)
    "$BIN" sync --quiet --concurrency 16 --db "$1" --base-url "$SIM_URL"
    end=$(now)
    stop_sim
    calc "%.0f" "$JOBS / ($end - $start)"
}
log "1. sync throughput: $JOBS open jobs on PostgreSQL and on SQLite"
pg_rates=() sqlite_rates=()
for run in 1 2 3; do
    pg_rates+=("$(rate "$(newdb "tp$run")")")
    sqlite_rates+=("$(rate "$WORK/tp$run.sqlite")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pg_rate=$(median "${pg_rates[@]}")
sqlite_rate=$(median "${sqlite_rates[@]}")
echo "sync on PostgreSQL vs SQLite ($JOBS jobs/s)|$pg_rate|$sqlite_rate|$(calc "%.2f" "$pg_rate / $sqlite_rate")|report|-"

# --- 3. bytes per unchanged poll on PostgreSQL (the database of run 1 holds $JOBS jobs polled once) ---
log "3. bytes per unchanged poll: $SYNCS syncs of $JOBS jobs on PostgreSQL"
DB=$SERVER/tp1?sslmode=disable
size_sql="SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
"$BIN" sync --quiet --concurrency 16 --db "$DB" --base-url "$SIM_URL"
q "$DB" "VACUUM" >/dev/null
before=$(q "$DB" "$size_sql")
snapshots_before=$(q "$DB" "SELECT count(*) FROM snapshot")
for _ in $(seq 1 "$SYNCS"); do "$BIN" sync --quiet --concurrency 16 --db "$DB" --base-url "$SIM_URL"; done
q "$DB" "VACUUM" >/dev/null
after=$(q "$DB" "$size_sql")
polls=$(( $(q "$DB" "SELECT count(*) FROM snapshot") - snapshots_before ))
stop_sim
per_poll=$(( (after - before) / polls ))
echo "bytes per unchanged poll on PostgreSQL|$per_poll|150|$(calc "%.2f" "$per_poll / 150")|≤ 150 B|$(met "$per_poll <= 150")"
NOTES+=("PostgreSQL bytes per unchanged poll: tables and indexes after VACUUM, $polls polls; a snapshot row is $(q "$DB" "SELECT avg(pg_column_size(s.*))::int FROM snapshot s") bytes before its 24-byte tuple header, line pointer and two index entries")

# --- 2. one, two, four runners at 50 ms latency ---
scenario "$WORK/runners.json" "$WORK/runners.ids" "$RUNNER_JOBS"
declare -A took
for runners in 1 2 4; do
    log "2. $runners runner(s): $RUNNER_JOBS jobs, 50 ms latency, concurrency 4 each"
    start_sim --speed 0 --failure-rate 0 --latency 50ms --scenario "$WORK/runners.json"
    DB=$(newdb "runners$runners")
    "$BIN" track --no-poll --from "$WORK/runners.ids" --quiet --db "$DB" --base-url "$SIM_URL"
    start=$(now)
    pids=()
    for _ in $(seq 1 "$runners"); do
        "$BIN" sync --quiet --concurrency 4 --db "$DB" --base-url "$SIM_URL" & pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(now)
    stop_sim
    took[$runners]=$(calc "%.3f" "$end - $start")
    double=$(q "$DB" "SELECT count(*) - count(DISTINCT job_id) FROM snapshot WHERE attempt = 0 AND run_id IN (SELECT id FROM sync_run WHERE command = 'sync')")
    polled=$(q "$DB" "SELECT count(DISTINCT job_id) FROM snapshot WHERE run_id IN (SELECT id FROM sync_run WHERE command = 'sync')")
    split=$(q "$DB" "SELECT string_agg(jobs::text, '+' ORDER BY id) FROM sync_run WHERE command = 'sync'")
    NOTES+=("$runners runner(s): ${took[$runners]} s for $polled of $RUNNER_JOBS jobs, split $split, $double double polls")
    eval "double_$runners=$double"
done
for runners in 2 4; do
    speedup=$(calc "%.2f" "${took[1]} / ${took[$runners]}")
    goal=$([ "$runners" -eq 2 ] && echo 1.8 || echo 3.2)
    double_var="double_$runners"
    echo "$runners runners vs one at 50 ms (speed-up; double polls ${!double_var})|${took[$runners]} s|${took[1]} s|$speedup|≥ $goal, 0 double|$(met "$speedup >= $goal && ${!double_var} == 0")"
done

# --- 4. reports on the 2M history against psql ---
if [ -n "$BIG_DB" ] && [ -s "$BIG_DB" ]; then
    log "4. reports on the 2 000 000 snapshot history: copying it into PostgreSQL"
    DB=$(newdb "big")
    start=$(now)
    "$BIN" copy --quiet --from "$BIG_DB" --to "$DB"
    NOTES+=("soratrack copy of the 2M history into PostgreSQL: $(calc "%.0f" "$(now) - $start") s")
    q "$DB" "VACUUM ANALYZE" >/dev/null
    END=1795910400
    cat >"$WORK/durations.sql" <<'SQL'
SELECT 'all' AS grp, completed_at - created_at AS duration FROM job
WHERE phase IN ('completed') AND created_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY grp, duration;
SQL
    cat >"$WORK/failures-model.sql" <<'SQL'
SELECT coalesce(nullif(model, ''), 'unknown') AS grp, count(*) AS total, count(*) FILTER (WHERE phase = 'completed') AS completed,
    count(*) FILTER (WHERE phase = 'failed') AS failed, count(*) FILTER (WHERE phase IN ('queued', 'running', 'unknown')) AS pending
FROM job GROUP BY grp ORDER BY grp COLLATE "C";
SQL
    cat >"$WORK/export-snapshots.sql" <<'SQL'
SELECT job.video_id, snapshot.polled_at, snapshot.attempt, snapshot.http_status, snapshot.status, snapshot.progress,
    snapshot.error_code, snapshot.error_message, snapshot.request_id, snapshot.poll_error
FROM snapshot JOIN job ON job.id = snapshot.job_id ORDER BY snapshot.polled_at, snapshot.id;
SQL
    pgurl=${DB%%\?*}
    while IFS='|' read -r name args sql; do
        hyperfine -N --warmup 1 --runs 3 --export-json "$WORK/h.json" \
            "$BIN $args --format csv --db $DB" \
            "$PSQL -X -q -A -F , -d $pgurl -f $WORK/$sql -o /dev/null" >/dev/null 2>&1
        read -r ours theirs < <(python3 -c "import json; r=json.load(open('$WORK/h.json'))['results']; print(r[0]['mean'], r[1]['mean'])")
        ratio=$(calc "%.2f" "$ours / $theirs")
        echo "$name on PostgreSQL, 2M snapshots (s)|$(calc "%.2f" "$ours")|$(calc "%.2f" "$theirs")|$ratio|≤ 2 × psql|$(met "$ratio <= 2")"
    done <<ROWS
report durations|report durations --now $END|durations.sql
report failures --by model|report failures --by model --now $END|failures-model.sql
export snapshots|export snapshots --now $END|export-snapshots.sql
ROWS
else
    NOTES+=("reports on the 2M history: skipped (no seeded SQLite history given)")
fi
for note in "${NOTES[@]}"; do echo "- $note"; done
