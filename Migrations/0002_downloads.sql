-- soratrack schema, version 2: downloaded files.
-- One row per download attempt of one variant of one job. A file exists only for rows with ok = 1;
-- a failed attempt (HTTP error, JSON error body instead of bytes, wrong length or type, transport
-- failure) is kept too, with what went wrong, so that every response that reached the tool is recorded.
CREATE TABLE download (
    id            INTEGER PRIMARY KEY,
    job_id        INTEGER NOT NULL REFERENCES job (id),
    variant       TEXT    NOT NULL CHECK (variant IN ('video', 'thumbnail', 'spritesheet')),
    attempted_at  INTEGER NOT NULL,               -- unix milliseconds, when the request started
    finished_at   INTEGER,                        -- unix milliseconds, when the file was in place or the attempt failed
    http_status   INTEGER,                        -- NULL: transport failure, no response
    request_id    TEXT,
    content_type  TEXT,
    ok            INTEGER NOT NULL DEFAULT 0 CHECK (ok IN (0, 1)),
    path          TEXT,                           -- absolute path of the file (ok = 1)
    bytes         INTEGER,                        -- size of the file (ok = 1)
    sha256        TEXT,                           -- lowercase hex digest of the file (ok = 1)
    error         TEXT,                           -- what went wrong (ok = 0)
    body_id       INTEGER REFERENCES body (id)    -- the error body, when the server sent one instead of bytes
);
-- "Is this job's video downloaded": one probe per job and variant.
CREATE INDEX download_job ON download (job_id, variant, ok);
