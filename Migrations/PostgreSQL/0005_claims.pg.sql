-- soratrack schema, version 5, PostgreSQL dialect (see ../0005_claims.sql): claims of runners sharing one history.
CREATE TABLE claim (
    job_id     BIGINT NOT NULL REFERENCES job (id),
    purpose    TEXT   NOT NULL,
    holder     TEXT   NOT NULL,
    claimed_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, purpose)
);
CREATE INDEX claim_holder ON claim (holder);
