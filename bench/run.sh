#!/usr/bin/env bash
# The benchmark behind the README's Performance table: prints one table (measure | soratrack | reference |
# ratio | goal | met), every figure next to a reference measured in the same run on the same machine.
#
#   bench/run.sh [RELEASE_DIR]        (make bench: installs what is missing, builds, runs this)
#
# RELEASE_DIR (default .build-static/release, as make bench and make release build it) holds release builds of soratrack and soratrack-seed.
# Needs sqlite3, wrk, hyperfine, /usr/bin/time, curl, python3 and a virtualenv with the openai SDK
# ($BENCH_PYTHON, default .venv/bin/python, made by `make`).
#
#   1. sync throughput: 10 000 open jobs on the simulator at zero latency, `sync --concurrency 16`, against
#      the SDK's AsyncOpenAI retrieving the same ids at concurrency 16 and wrk's 16 connections (HTTP floor)
#   2. sync under 200 ms latency: 1 000 jobs, concurrency 16, against the ideal 1000 x 0.2 / 16 s
#   3. write cost: bytes per unchanged poll over 100 000 polls (10 000 jobs x 10 syncs), then per changed poll
#      (10 more syncs, the simulator's clock moved 30 minutes on before each); snapshot insert
#      rate of soratrack-seed (the JobStore API sync uses) against sqlite3 inserting the same rows
#   4. reports: bench/reports-vs-sqlite.sh on 100 000 jobs / 2 000 000 snapshots (BENCH_QUICK=1 skips it)
#   5. export snapshots of the 2M history: throughput against sqlite3 -csv, peak RSS
#   6. idle start-up: `sync` with no open job against `sqlite3 DB 'select 1'` (hyperfine -N)
#   7. a bad day, 1 000 open jobs each time: an API that refuses connections (exit 69 within 5 s), one that
#      accepts and never answers (`--timeout 10s`: exit 69 within 20 s), one limited to 600 requests a minute
#      with a burst of 10 (one run polls every job, at most 2 % of its requests get a 429, and it takes at
#      most 1.15 x the ideal (1000 - 10) / 10 s), and the lines a failing run prints on stderr (exactly 1)
#   9. PostgreSQL (bench/postgres.sh, on a throwaway server): sync throughput against SQLite, one vs two vs four
#      runners at 50 ms latency, bytes per unchanged poll, reports on the 2M history against psql
#   8. the hand-written JSON reader (a poll's body, as sync reads it) and writer (the simulator's) against
#      JSONDecoder/JSONEncoder and JSONSerialization doing the same work (soratrack-json-bench)
#
# Environment: BENCH_ONLY=PART[,PART...] runs only those parts: sync (1 and the bytes per poll of 3),
# latency (2), insert (the insert rate of 3), reports (4), export (5), idle (6), bad-day (7), json (8), postgres (9); for example
# `BENCH_ONLY=bad-day make bench` (about 2 minutes once built). BENCH_QUICK=1 (skip part 4, and part 5
# unless the 2M database is already seeded),
# BENCH_DB (the 2M database, as in reports-vs-sqlite.sh), BENCH_JOBS (default 10000), BENCH_SYNCS
# (default 10), BENCH_WRK_SECONDS (default 5), BENCH_REPEAT (runs of sync and of the SDK in part 1, the
# median is shown; default 3), BENCH_PYTHON.
# Every server started here listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
RELEASE=${1:-.build-static/release}
BIN=$RELEASE/soratrack
SEED=$RELEASE/soratrack-seed
JSON_BENCH=$RELEASE/soratrack-json-bench
PYTHON=${BENCH_PYTHON:-.venv/bin/python}
JOBS=${BENCH_JOBS:-10000}
SYNCS=${BENCH_SYNCS:-10}
WRK_SECONDS=${BENCH_WRK_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-3}
LATENCY_JOBS=1000
CONCURRENCY=16
KEY=sk-bench
BIG_DB=${BENCH_DB:-${TMPDIR:-/tmp}/soratrack-bench-100k-2m.sqlite}
END=1795910400 # the end of the seeded history, as in reports-vs-sqlite.sh

PARTS="sync latency insert reports export idle bad-day json postgres"
ONLY=${BENCH_ONLY:-}
for part in ${ONLY//,/ }; do
    [[ " $PARTS " == *" $part "* ]] || { echo "bench: BENCH_ONLY: unknown part '$part' (parts: $PARTS)" >&2; exit 64; }
done
# want PART...: whether any of these parts runs (all of them without BENCH_ONLY).
want() {
    [ -z "$ONLY" ] && return 0
    local part
    for part in "$@"; do [[ ",$ONLY," == *",$part,"* ]] && return 0; done
    return 1
}

tools="$BIN"
want insert reports && tools+=" $SEED"
want json && tools+=" $JSON_BENCH"
for tool in $tools; do
    [ -x "$tool" ] || { echo "bench: $tool is missing (swift build -c release --product $(basename "$tool"))" >&2; exit 64; }
done
tools="sqlite3 curl python3"
want sync && tools+=" wrk"
want reports export idle && tools+=" hyperfine"
for tool in $tools; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 69; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 69; }
if want sync; then [ -x "$PYTHON" ] || { echo "bench: $PYTHON is missing (make .venv/.installed)" >&2; exit 69; }; fi

WORK=$(mktemp -d)
SIM_PID=""
cleanup() {
    if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Table rows: measure|soratrack|reference|ratio|goal|met
ROWS=()
NOTES=()
row() { ROWS+=("$1|$2|$3|$4|$5|$6"); }
# met CONDITION (an awk expression): yes / no
met() { awk "BEGIN { print (($1) ? \"yes\" : \"NO\") }"; }

# start_sim ARGS...: a simulator on a free port of 127.0.0.1; sets SIM_URL and SIM_PID.
start_sim() {
    "$BIN" simulate --port 0 --api-key "$KEY" "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
    SIM_PID=$!
    SIM_URL=""
    for _ in $(seq 1 600); do
        SIM_URL=$(head -n 1 "$WORK/sim.out" 2>/dev/null || true)
        [[ $SIM_URL == http://127.0.0.1:* ]] && return 0
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench: the simulator did not start: $(cat "$WORK/sim.err")" >&2
    exit 1
}
stop_sim() {
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=""
}

# scenario FILE IDS_FILE COUNT DURATION: COUNT videos with fixed ids that end after DURATION of virtual time.
scenario() {
    python3 - "$@" <<'PY'
import json, sys
path, ids_path, count, duration = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ids = ["video_bench_%06d" % i for i in range(count)]
videos = [{"id": v, "prompt": "bench clip %d" % i, "model": "sora-2", "seconds": "8", "size": "1280x720",
           "outcome": "completed", "duration": duration} for i, v in enumerate(ids)]
json.dump({"videos": videos}, open(path, "w"))
open(ids_path, "w").write("\n".join(ids) + "\n")
PY
}

# Bytes of used database pages (after a checkpoint), as bench/poll-growth.sh measures them.
used() {
    sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    sqlite3 "$1" "SELECT (p.page_count - f.freelist_count) * s.page_size FROM pragma_page_count p, pragma_freelist_count f, pragma_page_size s"
}
count() { sqlite3 "$1" "$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# CPU seconds the simulator has used so far (user + system), to tell whether it limits a measure.
TICKS=$(getconf CLK_TCK)
sim_cpu() { awk -v t="$TICKS" '{ print ($14 + $15) / t }' "/proc/$SIM_PID/stat"; }
# cpu_note WHAT TIME_FILE SIM_BEFORE SIM_AFTER: the client's and the simulator's CPU use during a run.
cpu_note() {
    read -r wall user sys <"$2"
    NOTES+=("$1: client CPU $(calc "%.0f" "100 * ($user + $sys) / $wall")% of one core, simulator CPU $(calc "%.0f" "100 * ($4 - $3) / $wall")% (over ${wall}s wall)")
}

export SORATRACK_API_KEY=$KEY

# --- 1. sync throughput, and 3a. bytes per unchanged poll (the same simulator and database) -----------------
if want sync latency; then
scenario "$WORK/open.json" "$WORK/open.ids" "$JOBS" 24h
head -n "$LATENCY_JOBS" "$WORK/open.ids" >"$WORK/latency.ids"
python3 - "$WORK/open.json" "$WORK/latency.json" "$LATENCY_JOBS" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
data["videos"] = data["videos"][: int(sys.argv[3])]
json.dump(data, open(sys.argv[2], "w"))
PY
fi
if want sync; then
log "1. sync throughput: $JOBS open jobs, zero latency, concurrency $CONCURRENCY"

start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
DB=$WORK/sync.sqlite
export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$DB
"$BIN" track --no-poll --from "$WORK/open.ids" --quiet
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$DB" "$WORK/tracked.sqlite"
sim0=$(sim_cpu)
start=$(now)
/usr/bin/time -f '%e %U %S' -o "$WORK/sync1.time" "$BIN" sync --concurrency "$CONCURRENCY" >"$WORK/sync1.out" 2>&1
end=$(now)
cpu_note "soratrack sync" "$WORK/sync1.time" "$sim0" "$(sim_cpu)"
polled=$(count "$DB" "SELECT count(*) FROM snapshot")
open_left=$(count "$DB" "SELECT count(*) FROM job WHERE tracking = 1 AND terminal = 0")
[ "$polled" -eq "$JOBS" ] && [ "$open_left" -eq "$JOBS" ] ||
    { log "sync recorded $polled snapshots, $open_left jobs still open (expected $JOBS): $(cat "$WORK/sync1.out")"; exit 1; }
sync_rates=("$(calc "%.1f" "$JOBS / ($end - $start)")")
NOTES+=("sync summary (run 1): $(tail -n 1 "$WORK/sync1.out")")

log "3. bytes per unchanged poll: $SYNCS more syncs of the same $JOBS jobs"
before=$(used "$DB")
snapshots_before=$(count "$DB" "SELECT count(*) FROM snapshot")
bodies_before=$(count "$DB" "SELECT count(*) FROM body")
start=$(now)
for _ in $(seq 1 "$SYNCS"); do "$BIN" sync --quiet --concurrency "$CONCURRENCY"; done
end=$(now)
after=$(used "$DB")
polls=$(( $(count "$DB" "SELECT count(*) FROM snapshot") - snapshots_before ))
bodies_new=$(( $(count "$DB" "SELECT count(*) FROM body") - bodies_before ))
per_poll=$(( (after - before) / polls ))
repeat_rate=$(calc "%.0f" "$polls / ($end - $start)")
NOTES+=("$SYNCS syncs x $JOBS jobs: $polls unchanged polls at $repeat_rate polls/s (process start-up included), $bodies_new new bodies")

log "3. bytes per changed poll: $SYNCS more syncs, the simulator's clock 30 minutes on before each (new progress every time)"
before=$(used "$DB")
snapshots_before=$(count "$DB" "SELECT count(*) FROM snapshot")
bodies_before=$(count "$DB" "SELECT count(*) FROM body")
# Every 24 h job has left its queue (at most 30 % of its time) after 8 h, and runs for 16 h more: each 30 minutes
# then moves its progress by at least one percent, so every poll below returns a body not seen before.
curl -sf -X POST "${SIM_URL%/v1}/_simulator/advance?seconds=27000" >/dev/null
for _ in $(seq 1 "$SYNCS"); do
    curl -sf -X POST "${SIM_URL%/v1}/_simulator/advance?seconds=1800" >/dev/null
    "$BIN" sync --quiet --concurrency "$CONCURRENCY"
done
after=$(used "$DB")
changed_polls=$(( $(count "$DB" "SELECT count(*) FROM snapshot") - snapshots_before ))
changed_bodies=$(( $(count "$DB" "SELECT count(*) FROM body") - bodies_before ))
per_changed=$(( (after - before) / changed_polls ))
NOTES+=("changed polls: $changed_polls polls stored $changed_bodies new bodies of $(count "$DB" "SELECT avg(length(content)) FROM body" | cut -d. -f1) bytes on average; the body is most of the cost")
stop_sim

# Further sync runs, each on a fresh simulator and a fresh copy of the database as tracked (all jobs open).
for run in $(seq 2 "$REPEAT"); do
    log "1. sync throughput, run $run of $REPEAT"
    start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
    cp "$WORK/tracked.sqlite" "$WORK/run.sqlite"
    export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$WORK/run.sqlite
    start=$(now)
    "$BIN" sync --quiet --concurrency "$CONCURRENCY"
    end=$(now)
    stop_sim
    [ "$(count "$WORK/run.sqlite" "SELECT count(*) FROM snapshot")" -eq "$JOBS" ] || { log "sync run $run missed polls"; exit 1; }
    sync_rates+=("$(calc "%.1f" "$JOBS / ($end - $start)")")
    rm -f "$WORK/run.sqlite"*
done
ours_rate=$(calc "%.0f" "$(median "${sync_rates[@]}")")
NOTES+=("sync req/s per run (wall time of the whole process): ${sync_rates[*]}")

sdk_rates=()
for run in $(seq 1 "$REPEAT"); do
    log "1. the openai SDK (AsyncOpenAI) retrieving the same ids, run $run of $REPEAT"
    start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
    sim0=$(sim_cpu)
    SORATRACK_SIM_KEY=$KEY /usr/bin/time -f '%e %U %S' -o "$WORK/sdk.time" \
        "$PYTHON" bench/sdk_retrieve.py "$SIM_URL" "$WORK/open.ids" "$CONCURRENCY" >"$WORK/sdk.out"
    [ "$run" -eq 1 ] && cpu_note "SDK (whole process, imports included)" "$WORK/sdk.time" "$sim0" "$(sim_cpu)"
    read -r sdk_n sdk_s sdk_rate sdk_errors <"$WORK/sdk.out"
    [ "$sdk_errors" -eq 0 ] || NOTES+=("SDK run $run had $sdk_errors errors out of $sdk_n requests")
    sdk_rates+=("$sdk_rate")
    stop_sim
done
sdk_rate=$(median "${sdk_rates[@]}")
NOTES+=("SDK req/s per run (first request to last answer): ${sdk_rates[*]}")

log "1. the HTTP floor: wrk, $CONCURRENCY connections, ${WRK_SECONDS}s, cycling the ids"
start_sim --speed 0 --failure-rate 0 --scenario "$WORK/open.json"
cat >"$WORK/cycle.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local prefix = os.getenv("BENCH_PATH")
local i = math.random(#ids)
request = function()
    i = i % #ids + 1
    return wrk.format("GET", prefix .. ids[i])
end
LUA
sim_path=${SIM_URL#http://127.0.0.1:*/}
sim0=$(sim_cpu)
BENCH_IDS=$WORK/open.ids BENCH_PATH="/$sim_path/videos/" /usr/bin/time -f '%e %U %S' -o "$WORK/wrk.time" wrk -t 2 -c "$CONCURRENCY" -d "${WRK_SECONDS}s" \
    -H "Authorization: Bearer $KEY" -s "$WORK/cycle.lua" "$SIM_URL/videos/" >"$WORK/wrk.out" 2>&1
cpu_note "wrk" "$WORK/wrk.time" "$sim0" "$(sim_cpu)"
floor_rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/wrk.out")
bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/wrk.out")
[ -z "$bad" ] || NOTES+=("wrk got $bad non-2xx answers: the floor is suspect")
grep -q 'Socket errors' "$WORK/wrk.out" && NOTES+=("wrk: $(grep 'Socket errors' "$WORK/wrk.out" | sed 's/^ *//')")
stop_sim

row "sync throughput vs SDK (req/s)" "$ours_rate" "$(calc "%.0f" "$sdk_rate")" "$(calc "%.2f" "$ours_rate / $sdk_rate")" ">= 3" \
    "$(met "$ours_rate / $sdk_rate >= 3")"
row "sync throughput vs HTTP floor (req/s)" "$ours_rate" "$floor_rate" "$(calc "%.2f" "$ours_rate / $floor_rate")" ">= 0.70" \
    "$(met "$ours_rate / $floor_rate >= 0.7")"
fi

# --- 2. sync under latency ------------------------------------------------------------------------------------
if want latency; then
log "2. sync under latency: $LATENCY_JOBS jobs, 200ms latency, concurrency $CONCURRENCY"
start_sim --speed 0 --failure-rate 0 --latency 200ms --scenario "$WORK/latency.json"
DB=$WORK/latency.sqlite
export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$DB
"$BIN" track --no-poll --from "$WORK/latency.ids" --quiet
start=$(now)
"$BIN" sync --quiet --concurrency "$CONCURRENCY"
end=$(now)
stop_sim
latency_s=$(calc "%.2f" "$end - $start")
ideal=$(calc "%.2f" "$LATENCY_JOBS * 0.2 / $CONCURRENCY")
row "sync, 200ms latency, $LATENCY_JOBS jobs (s)" "$latency_s" "$ideal (ideal)" "$(calc "%.3f" "$latency_s / $ideal")" "<= 1.10" \
    "$(met "$latency_s / $ideal <= 1.1")"
fi

# --- 3. write cost ---------------------------------------------------------------------------------------------
if want sync; then
    row "bytes per unchanged poll ($polls polls)" "$per_poll" "-" "-" "<= 100 B" "$(met "$per_poll <= 100")"
    row "bytes per changed poll ($changed_polls polls)" "$per_changed" "-" "-" "(report)" "-"
fi

if want insert; then
log "3. snapshot insert rate: soratrack-seed against sqlite3 inserting the same rows"
SEED_DB=$WORK/seed.sqlite
start=$(now)
"$SEED" --db "$SEED_DB" --jobs 10000 --snapshots 200000 --seed 2 --end "$END" >"$WORK/seed.out"
end=$(now)
seed_snapshots=$(count "$SEED_DB" "SELECT count(*) FROM snapshot")
store_seconds=$(sed -n 's/.*store_seconds=\([0-9.]*\).*/\1/p' "$WORK/seed.out")
record_seconds=$(sed -n 's/.*record_seconds=\([0-9.]*\).*/\1/p' "$WORK/seed.out")
[ -n "$record_seconds" ] || { log "soratrack-seed did not report its store time: $(cat "$WORK/seed.out")"; exit 1; }
seed_rate=$(calc "%.0f" "$seed_snapshots / $record_seconds")
NOTES+=("insert rate: soratrack-seed's record calls (snapshot, job update and body of every poll, in batches of 2000) took ${record_seconds}s; all its JobStore writes ${store_seconds}s, with 10 000 tracks and two transactions per 5-minute run: $(calc "%.0f" "$seed_snapshots / $store_seconds") rows/s; the whole process, data generation included, $(calc "%.2f" "$end - $start")s")
# The same rows as INSERT statements into an empty copy of the schema (indexes, trigger and foreign keys
# in place), WAL and synchronous=NORMAL as soratrack opens it, in one transaction.
sqlite3 "$SEED_DB" .schema | grep -v '^CREATE TABLE sqlite_' >"$WORK/schema.sql"
{
    echo "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; BEGIN;"
    for table in job body sync_run snapshot; do
        sqlite3 -cmd ".mode insert $table" "$SEED_DB" "SELECT * FROM $table ORDER BY rowid"
    done
    echo "COMMIT;"
} >"$WORK/inserts.sql"
REF_DB=$WORK/reference.sqlite
sqlite3 "$REF_DB" "PRAGMA journal_mode = WAL;" >/dev/null
sqlite3 "$REF_DB" <"$WORK/schema.sql"
start=$(now)
sqlite3 "$REF_DB" <"$WORK/inserts.sql"
end=$(now)
[ "$(count "$REF_DB" "SELECT count(*) FROM snapshot")" -eq "$seed_snapshots" ] || { log "the reference insert lost rows"; exit 1; }
ref_rate=$(calc "%.0f" "$seed_snapshots / ($end - $start)")
row "snapshot insert rate (rows/s)" "$seed_rate" "$ref_rate" "$(calc "%.2f" "$seed_rate / $ref_rate")" ">= 0.50" \
    "$(met "$seed_rate / $ref_rate >= 0.5")"
NOTES+=("insert rate: soratrack-seed writing $seed_snapshots snapshots of 10000 jobs through the JobStore API sync uses (each job tracked in its own transaction, its row updated on every poll, bodies deduplicated, polls in batches of 2000), timed inside those calls only, against the sqlite3 shell replaying the same job, body, sync_run and snapshot rows as INSERTs in one transaction (whole process)")
rm -f "$SEED_DB"* "$REF_DB"* "$WORK/inserts.sql"
fi

# --- 4. reports --------------------------------------------------------------------------------------------------
export_hyperfine=""
if ! want reports; then
    :
elif [ "${BENCH_QUICK:-0}" = 1 ]; then
    NOTES+=("BENCH_QUICK=1: reports (part 4) skipped")
else
    log "4. reports against sqlite3 (bench/reports-vs-sqlite.sh)"
    BENCH_DB=$BIG_DB bench/reports-vs-sqlite.sh "$BIN" >"$WORK/reports.out"
    grep '^database:' "$WORK/reports.out" | sed 's/^/reports /' >"$WORK/reports.note" || true
    [ -s "$WORK/reports.note" ] && NOTES+=("$(cat "$WORK/reports.note")")
    while read -r line; do
        [ -n "$line" ] || continue
        ours=$(awk '{ print $(NF-2) }' <<<"$line")
        theirs=$(awk '{ print $(NF-1) }' <<<"$line")
        ratio=$(awk '{ print $NF }' <<<"$line")
        name=$(awk '{ NF -= 3; print }' <<<"$line")
        if [ "$name" = "export snapshots" ]; then export_hyperfine="$ours $theirs"; continue; fi
        row "$name (s)" "$ours" "$theirs" "$ratio" "<= 2" "$(met "$ratio <= 2")"
    done < <(sed -n '/^measure /,$p' "$WORK/reports.out" | tail -n +2)
fi

# --- 5. export snapshots -----------------------------------------------------------------------------------------
if ! want export; then
    :
elif [ -s "$BIG_DB" ]; then
    log "5. export snapshots of the 2M history: peak memory"
    cp bench/sql/export-snapshots.sql "$WORK/export-snapshots.sql"  # shared with bench/reports-vs-sqlite.sh
    rows_exported=$("$BIN" export snapshots --db "$BIG_DB" --no-header | wc -l)
    /usr/bin/time -v -o "$WORK/ours.time" "$BIN" export snapshots --db "$BIG_DB" >/dev/null
    /usr/bin/time -v -o "$WORK/theirs.time" sqlite3 -csv -header "$BIG_DB" ".read $WORK/export-snapshots.sql" >/dev/null
    seconds_of() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
    rss_of() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
    if [ -n "$export_hyperfine" ]; then
        read -r ours theirs <<<"$export_hyperfine"
        how="mean of hyperfine runs in part 4"
    else
        ours=$(seconds_of "$WORK/ours.time"); theirs=$(seconds_of "$WORK/theirs.time")
        how="one run each under /usr/bin/time"
    fi
    ours_tp=$(calc "%.0f" "$rows_exported / $ours")
    theirs_tp=$(calc "%.0f" "$rows_exported / $theirs")
    row "export snapshots throughput (rows/s)" "$ours_tp" "$theirs_tp" "$(calc "%.2f" "$ours_tp / $theirs_tp")" ">= 0.50" \
        "$(met "$ours_tp / $theirs_tp >= 0.5")"
    ours_rss=$(rss_of "$WORK/ours.time")
    row "export snapshots peak RSS (MB)" "$ours_rss" "$(rss_of "$WORK/theirs.time") (sqlite3)" "-" "< 64 MB" "$(met "$ours_rss < 64")"
    NOTES+=("export: $rows_exported rows to /dev/null, times are $how; RSS from /usr/bin/time -v")
else
    NOTES+=("export (part 5) skipped: $BIG_DB is not seeded yet (run without BENCH_QUICK)")
fi

# --- 6. idle start-up --------------------------------------------------------------------------------------------
if want idle; then
log "6. idle start-up: sync with no open job"
scenario "$WORK/done.json" "$WORK/done.ids" 200 1s
start_sim --speed 0 --failure-rate 0 --scenario "$WORK/done.json"
DB=$WORK/idle.sqlite
export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$DB
"$BIN" track --no-poll --from "$WORK/done.ids" --quiet
curl -sf -X POST "${SIM_URL%/v1}/_simulator/advance?seconds=3600" >/dev/null
"$BIN" sync --quiet --concurrency "$CONCURRENCY"
stop_sim
[ "$(count "$DB" "SELECT count(*) FROM job WHERE tracking = 1 AND terminal = 0")" -eq 0 ] ||
    { log "the idle database still has open jobs"; exit 1; }
# Port 1 of 127.0.0.1 refuses connections: a sync that tried to connect would fail, and hyperfine with it.
export SORATRACK_BASE_URL=http://127.0.0.1:1/v1
"$BIN" sync --quiet || { log "idle sync failed: it must not connect"; exit 1; }
hyperfine -N --style none --warmup 5 --runs 50 --export-json "$WORK/idle.json" \
    "$BIN sync --quiet" "sqlite3 $DB 'select 1'" "$BIN --version" >/dev/null 2>&1
read -r idle_ours idle_theirs idle_bare < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.2f" % (x["median"]*1000) for x in r))' "$WORK/idle.json")
NOTES+=("idle start-up: soratrack --version alone (process start, no database) has a median of $idle_bare ms")
row "idle sync start-up, median (ms)" "$idle_ours" "$idle_theirs" "$(calc "%.2f" "$idle_ours / $idle_theirs")" "<= 2" \
    "$(met "$idle_ours / $idle_theirs <= 2")"
fi

# --- 7. a bad day -----------------------------------------------------------------------------------------------
# What a cron run costs when the API is down or rate-limited, each with 1000 open jobs and a fresh database.
if want bad-day; then
bad_day_start=$(now)
BAD_JOBS=1000
HANG_TIMEOUT=10           # --timeout of the run against a hanging API, in seconds
RL_RPM=600                # the simulator's rate limit (requests a minute) and its burst
RL_BURST=10
awk -v n="$BAD_JOBS" 'BEGIN { for (i = 1; i <= n; i++) printf "video_bench_%04d\n", i }' >"$WORK/bad.ids"

# bad_run NAME SIMULATOR_FLAG SYNC_ARGS...: made-up ids tracked without a request, then one timed sync
# (stopped after 5 minutes, exit 124, should it not end by itself); sets bad_rc, bad_s, bad_err (lines on
# stderr) and bad_out (lines on stdout).
bad_run() {
    local name=$1 flag=$2
    shift 2
    start_sim "$flag"
    export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$WORK/$name.sqlite
    "$BIN" track --no-poll --from "$WORK/bad.ids" --quiet
    bad_rc=0
    start=$(now)
    timeout 300 "$BIN" sync "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || bad_rc=$?
    end=$(now)
    stop_sim
    bad_s=$(calc "%.2f" "$end - $start")
    bad_err=$(awk 'END { print NR }' "$WORK/$name.err")
    bad_out=$(awk 'END { print NR }' "$WORK/$name.out")
    NOTES+=("bad day, $name: exit $bad_rc in ${bad_s}s, $bad_out lines on stdout, $bad_err on stderr: $(head -c 400 "$WORK/$name.err")")
}

log "7. a bad day: $BAD_JOBS open jobs, the API refusing connections (simulate --refuse), default flags"
bad_run refused --refuse
refused_rc=$bad_rc refused_s=$bad_s refused_err=$bad_err
row "$BAD_JOBS open jobs, API refusing connections, default flags (s to exit $refused_rc)" "$refused_s" "5.00 (bound)" \
    "$(calc "%.3f" "$refused_s / 5")" "exit 69, <= 5 s" "$(met "$refused_rc == 69 && $refused_s <= 5")"

log "7. a bad day: $BAD_JOBS open jobs, the API accepting and never answering (simulate --hang), --timeout ${HANG_TIMEOUT}s"
bad_run hanging --hang --timeout "${HANG_TIMEOUT}s"
hang_rc=$bad_rc hang_s=$bad_s hang_err=$bad_err
row "$BAD_JOBS open jobs, API accepting, never answering, --timeout ${HANG_TIMEOUT}s (s to exit $hang_rc)" "$hang_s" "20.00 (bound)" \
    "$(calc "%.3f" "$hang_s / 20")" "exit 69, <= 20 s" "$(met "$hang_rc == 69 && $hang_s <= 20")"
NOTES+=("bad day, hanging: no run can end before its first requests time out, one --timeout (${HANG_TIMEOUT} s): $(calc "%.2f" "$hang_s / $HANG_TIMEOUT") x that floor")

log "7. a bad day: $BAD_JOBS open jobs, the API limited to $RL_RPM requests a minute (burst $RL_BURST), one sync"
start_sim --speed 0 --failure-rate 0 --rate-limit-rpm "$RL_RPM" --rate-limit-burst "$RL_BURST"
# The jobs are made through the control endpoint, which the rate limit does not count.
python3 - "${SIM_URL%/v1}" "$BAD_JOBS" "$WORK/limited.ids" <<'PY'
import http.client, json, sys, urllib.parse
url, count, ids_path = urllib.parse.urlsplit(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
ids = []
for i in range(count):
    video = {"prompt": "bench clip %d" % i, "model": "sora-2", "seconds": "8", "size": "1280x720",
             "outcome": "completed", "duration": "24h"}
    conn.request("POST", "/_simulator/videos", json.dumps(video), {"content-type": "application/json"})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        sys.exit("bench: POST /_simulator/videos answered %d: %s" % (answer.status, body[:300].decode(errors="replace")))
    ids.append(json.loads(body)["id"])
open(ids_path, "w").write("\n".join(ids) + "\n")
PY
DB=$WORK/limited.sqlite
export SORATRACK_BASE_URL=$SIM_URL SORATRACK_DB=$DB
"$BIN" track --no-poll --from "$WORK/limited.ids" --quiet
limited_rc=0
start=$(now)
"$BIN" sync --max-duration 10m >"$WORK/limited.out" 2>"$WORK/limited.err" || limited_rc=$?
end=$(now)
health=$(curl -sf "${SIM_URL%/v1}/_simulator/health")
stop_sim
limited_s=$(calc "%.2f" "$end - $start")
limited_ideal=$(calc "%.2f" "($BAD_JOBS - $RL_BURST) / ($RL_RPM / 60)")
run_id=$(count "$DB" "SELECT max(id) FROM sync_run WHERE command = 'sync'")
[ -n "$run_id" ] || { log "the rate-limited sync recorded no run (exit $limited_rc): $(cat "$WORK/limited.out" "$WORK/limited.err")"; exit 1; }
requests=$(count "$DB" "SELECT count(*) FROM snapshot WHERE run_id = $run_id")
db_429=$(count "$DB" "SELECT count(*) FROM snapshot WHERE run_id = $run_id AND http_status = 429")
sim_429=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["rate_limited"])' "$health")
polled=$(count "$DB" "SELECT count(DISTINCT job_id) FROM snapshot WHERE run_id = $run_id AND http_status = 200")
[ "$requests" -gt 0 ] || { log "the rate-limited sync sent no request: $(cat "$WORK/limited.out" "$WORK/limited.err")"; exit 1; }
share=$(calc "%.1f" "100 * $sim_429 / $requests")
row "$BAD_JOBS open jobs, API limited to $RL_RPM req/min, burst $RL_BURST (s; $polled polled, $sim_429 429s = $share % of $requests requests)" \
    "$limited_s" "$limited_ideal (ideal)" "$(calc "%.3f" "$limited_s / $limited_ideal")" "<= 1.15, all polled, 429s <= 2 %" \
    "$(met "$limited_rc == 0 && $polled == $BAD_JOBS && 100 * $sim_429 / $requests <= 2 && $limited_s / $limited_ideal <= 1.15")"
NOTES+=("bad day, rate limit: exit $limited_rc, $(head -c 300 "$WORK/limited.out")$(head -c 300 "$WORK/limited.err"); 429s: $sim_429 counted by the simulator, $db_429 recorded in the database; ideal = ($BAD_JOBS - burst $RL_BURST) / ($RL_RPM/60 per s)")
[ "$sim_429" -eq "$db_429" ] || NOTES+=("bad day, rate limit: the simulator refused $sim_429 requests but the database holds $db_429 snapshots with HTTP 429")

# The run against a refusing API uses the default flags; the hanging one differs only by --timeout.
lines=$(( refused_err > hang_err ? refused_err : hang_err ))
row "a failing run's stderr, default flags (lines; refused and hanging runs)" "$lines" "1 (bound)" "$(calc "%.2f" "$lines / 1")" "= 1" \
    "$(met "$refused_err == 1 && $hang_err == 1")"
NOTES+=("bad day (part 7): its four rows took $(calc "%.0f" "$(now) - $bad_day_start") s")
fi

# --- 8. the hand-written JSON reader and writer against Foundation's ----------------------------------------------
# Kept only while they pay (docs/architecture.md): reading a poll's body as sync does, and writing one as the
# simulator answers every poll of these benchmarks; nanoseconds per body, best of five rounds of 100 000.
if want json; then
log "8. hand-written JSON against Foundation (soratrack-json-bench)"
"$JSON_BENCH" 100000 >"$WORK/json.txt"
json_ns() { awk -v name="$1" '$1 == name { print $2 }' "$WORK/json.txt"; }
read_ours=$(json_ns read_parser); read_dec=$(json_ns read_jsondecoder); read_ser=$(json_ns read_jsonserialization)
write_ours=$(json_ns write_jsontext); write_enc=$(json_ns write_jsonencoder); write_ser=$(json_ns write_jsonserialization)
read_best=$(( read_dec < read_ser ? read_dec : read_ser ))
write_best=$(( write_enc < write_ser ? write_enc : write_ser ))
row "read a poll's body: hand-written parser vs the faster of JSONDecoder ($read_dec) and JSONSerialization ($read_ser) (ns/body)" \
    "$read_ours" "$read_best" "$(calc "%.2f" "$read_ours / $read_best")" "< 1 to keep it" "$(met "$read_ours < $read_best")"
row "write a poll's body: the simulator's JSONText vs the faster of JSONEncoder ($write_enc) and JSONSerialization ($write_ser) (ns/body)" \
    "$write_ours" "$write_best" "$(calc "%.2f" "$write_ours / $write_best")" "< 1 to keep it" "$(met "$write_ours < $write_best")"
fi

# --- 9. PostgreSQL: sync throughput, several runners, bytes per poll, reports (bench/postgres.sh) ----------------
if want postgres; then
log "9. PostgreSQL (a throwaway server, scripts/with-postgres.sh)"
big=""; [ -s "$BIG_DB" ] && big=$BIG_DB
scripts/with-postgres.sh bench/postgres.sh "$RELEASE" "$big" >"$WORK/postgres.txt"
while IFS= read -r entry; do
    if [[ $entry == "- "* ]]; then NOTES+=("${entry#- }"); elif [[ $entry == *"|"* ]]; then ROWS+=("$entry"); fi
done <"$WORK/postgres.txt"
fi

# --- the table ---------------------------------------------------------------------------------------------------
echo
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sm)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
widths=(0 0 0 0 0 0)
header="measure|soratrack|reference|ratio|goal|met"
for entry in "$header" "${ROWS[@]}"; do
    IFS='|' read -r -a cells <<<"$entry"
    for i in 0 1 2 3 4 5; do
        n=$(printf '%s' "${cells[$i]}" | wc -m)
        (( n > widths[i] )) && widths[i]=$n
    done
done
line() {
    IFS='|' read -r -a cells <<<"$1"
    local out="|"
    for i in 0 1 2 3 4 5; do
        local pad=$(( widths[i] - $(printf '%s' "${cells[$i]}" | wc -m) ))
        if [ "$i" -eq 0 ]; then out+=" ${cells[$i]}$(printf '%*s' "$pad" '') |"
        else out+=" $(printf '%*s' "$pad" '')${cells[$i]} |"; fi
    done
    echo "$out"
}
line "$header"
sep="|"; for i in 0 1 2 3 4 5; do sep+=" $(printf '%*s' "${widths[$i]}" '' | tr ' ' -) |"; done; echo "$sep"
for entry in "${ROWS[@]}"; do line "$entry"; done
echo
for note in "${NOTES[@]}"; do echo "- $note"; done
