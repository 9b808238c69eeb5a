-- soratrack schema, version 5: claims, so that several runners can share one history without polling a job twice.
-- A runner claims a batch of due jobs (or of downloads), polls them, records, and releases its claims; a claim it
-- never releases (the runner was killed) lapses at expires_at and another runner takes the job. On SQLite the lock
-- file beside the database lets one runner in at a time, and this table stays empty between runs.
CREATE TABLE claim (
    job_id     INTEGER NOT NULL REFERENCES job (id),
    purpose    TEXT    NOT NULL,   -- 'poll', or 'download:<variant>'
    holder     TEXT    NOT NULL,   -- host, process and run of the runner
    claimed_at INTEGER NOT NULL,   -- unix milliseconds
    expires_at INTEGER NOT NULL,   -- unix milliseconds
    PRIMARY KEY (job_id, purpose)
);
CREATE INDEX claim_holder ON claim (holder);
