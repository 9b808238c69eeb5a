-- soratrack schema, version 4: every create and remix request soratrack sent, whatever came of it.
-- A created job's answer is its first snapshot (job_id links to it). An answer that created no job (an HTTP error,
-- such as a 400 for an invalid size or a moderation block) or whose job is unknown (a 200 that is not a video) has no
-- job to attach it to: it is kept here with its body, so that every response that reached the tool is recorded.
CREATE TABLE create_attempt (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER REFERENCES sync_run (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('create', 'remix')),
    started_at      INTEGER NOT NULL,               -- unix milliseconds, when the request was sent
    finished_at     INTEGER NOT NULL,               -- unix milliseconds, when the answer or the failure came
    prompt          TEXT    NOT NULL,               -- what was asked for
    model           TEXT,
    seconds         TEXT,
    size            TEXT,
    input_reference TEXT,                           -- the file name sent (not its path)
    input_bytes     INTEGER,
    source_video_id TEXT,                           -- the video a remix started from
    outcome         TEXT    NOT NULL CHECK (outcome IN ('created', 'refused', 'not_sent', 'unknown')),
    job_id          INTEGER REFERENCES job (id),    -- the job created (outcome = created)
    http_status     INTEGER,                        -- NULL: no response
    request_id      TEXT,
    error_code      TEXT,
    error_message   TEXT,
    error           TEXT,                           -- one line: what happened and what to do
    body_id         INTEGER REFERENCES body (id)    -- the answer, when no snapshot holds it
);
CREATE INDEX create_attempt_job ON create_attempt (job_id) WHERE job_id IS NOT NULL;
