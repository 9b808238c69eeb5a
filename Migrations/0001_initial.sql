-- soratrack schema, version 1.
-- Times: *_at columns holding provider times (created_at, completed_at, expires_at) are unix seconds;
-- local times (first_seen_at, polled_at, ...) are unix milliseconds.

-- One row per tracked video id: its latest known state.
CREATE TABLE job (
    id                    INTEGER PRIMARY KEY,
    video_id              TEXT    NOT NULL UNIQUE,
    label                 TEXT,
    tracking              INTEGER NOT NULL DEFAULT 1 CHECK (tracking IN (0, 1)),
    status                TEXT,     -- provider's raw status from the newest successful poll
    local_state           TEXT      CHECK (local_state IN ('abandoned', 'not_found')),
    phase                 TEXT    NOT NULL DEFAULT 'unknown'
                          CHECK (phase IN ('queued', 'running', 'completed', 'failed', 'unknown', 'abandoned', 'not_found')),
    terminal              INTEGER NOT NULL DEFAULT 0 CHECK (terminal IN (0, 1)),
    model                 TEXT,
    size                  TEXT,
    seconds               TEXT,
    progress              INTEGER,
    prompt                TEXT,
    created_at            INTEGER,
    completed_at          INTEGER,
    expires_at            INTEGER,
    error_code            TEXT,
    error_message         TEXT,
    remixed_from_video_id TEXT,
    first_seen_at         INTEGER NOT NULL,
    tracked_at            INTEGER NOT NULL,  -- last time `track` started or revived it
    last_polled_at        INTEGER,
    last_success_at       INTEGER,           -- newest poll that returned the video
    polls                 INTEGER NOT NULL DEFAULT 0,
    consecutive_404s      INTEGER NOT NULL DEFAULT 0,
    next_poll_at          INTEGER            -- earliest next poll the provider asked for (poll-after / retry-after)
);
-- "Which jobs does sync poll": tracked and not terminal.
CREATE INDEX job_open ON job (id) WHERE tracking = 1 AND terminal = 0;
CREATE INDEX job_created_at ON job (created_at);
CREATE INDEX job_expires_at ON job (expires_at) WHERE expires_at IS NOT NULL;

-- Response bodies, stored once however many polls returned the same bytes.
CREATE TABLE body (
    id      INTEGER PRIMARY KEY,
    hash    INTEGER NOT NULL,  -- 64-bit FNV-1a of the bytes
    content BLOB    NOT NULL   -- TEXT when the bytes are UTF-8 (so json_extract works), BLOB otherwise
);
CREATE INDEX body_hash ON body (hash);

-- One row per run of sync, watch or track.
CREATE TABLE sync_run (
    id                 INTEGER PRIMARY KEY,
    command            TEXT    NOT NULL,
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER,
    jobs               INTEGER NOT NULL DEFAULT 0,  -- jobs it set out to poll
    attempts           INTEGER NOT NULL DEFAULT 0,  -- requests made, retries included
    responses          INTEGER NOT NULL DEFAULT 0,  -- attempts that got an HTTP response
    completed          INTEGER NOT NULL DEFAULT 0,  -- jobs that became completed in this run
    failed             INTEGER NOT NULL DEFAULT 0,  -- jobs that became failed in this run
    poll_errors        INTEGER NOT NULL DEFAULT 0,  -- jobs whose poll still failed after its retries
    exit_code          INTEGER
);

-- One row per poll attempt, append-only.
CREATE TABLE snapshot (
    id            INTEGER PRIMARY KEY,
    job_id        INTEGER NOT NULL REFERENCES job (id),
    run_id        INTEGER REFERENCES sync_run (id),
    polled_at     INTEGER NOT NULL,
    attempt       INTEGER NOT NULL DEFAULT 0,   -- 0 = first try, 1.. = retries
    http_status   INTEGER,                      -- NULL: transport failure, no response
    status        TEXT,
    progress      INTEGER,
    error_code    TEXT,
    error_message TEXT,
    completed_at  INTEGER,
    expires_at    INTEGER,
    request_id    TEXT,
    poll_error    TEXT,
    body_id       INTEGER REFERENCES body (id)
);
CREATE INDEX snapshot_job ON snapshot (job_id, polled_at);

CREATE TRIGGER snapshot_append_only BEFORE UPDATE ON snapshot
BEGIN
    SELECT RAISE(ABORT, 'snapshots are append-only');
END;
