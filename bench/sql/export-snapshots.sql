-- The reference for `export snapshots`: the same columns and formats, from the sqlite3 tool.
SELECT job.video_id, strftime('%Y-%m-%dT%H:%M:%fZ', s.polled_at / 1000.0, 'unixepoch') AS polled_at, s.http_status,
    s.status, s.progress, s.error_code, s.error_message,
    strftime('%Y-%m-%dT%H:%M:%SZ', s.completed_at, 'unixepoch') AS completed_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', s.expires_at, 'unixepoch') AS expires_at, s.request_id, s.poll_error
FROM snapshot s CROSS JOIN job ON job.id = s.job_id ORDER BY s.id;
