import Foundation
import JobStore
import VideoModel

// The writes of `JobDatabase` in PostgreSQL's dialect: the same rows and values, written in the same order within one
// transaction. A job row that the write reads before changing it is locked (`FOR NO KEY UPDATE`), so that runners
// sharing the history never update a job from a state another one has just changed.

extension PostgresJobDatabase {
    // MARK: Tracking

    /// Starts tracking `ids` (one transaction); known ids are revived when they had ended locally.
    public func track(_ ids: [VideoID], label: String?, at date: Date) throws(StoreError) -> TrackResult {
        let now = Timestamp.milliseconds(date)
        let location = location
        return try write { session in
            var result = TrackResult()
            let find = "SELECT tracking, local_state, status FROM job WHERE video_id = $1 FOR NO KEY UPDATE"
            for id in ids {
                var row = try session.one(find, [.text(id.rawValue)])
                if row == nil {
                    let added = try session.one(
                        """
                        INSERT INTO job (video_id, label, first_seen_at, tracked_at) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (video_id) DO NOTHING RETURNING id
                        """, [.text(id.rawValue), .of(label), .integer(now), .integer(now)])
                    if added != nil {
                        result.added.append(id)
                        continue
                    }
                    // Another runner added it a moment ago: it is known now.
                    row = try session.one(find, [.text(id.rawValue)])
                }
                guard let row else { throw StoreError.io(path: location, reason: "job \(id) vanished while being tracked") }
                let tracking = row.int64("tracking") == 1
                let localState = row.text("local_state")
                if tracking && localState == nil {
                    if let label {
                        try session.query("UPDATE job SET label = $1 WHERE video_id = $2", [.text(label), .text(id.rawValue)])
                    }
                    result.alreadyTracked.append(id)
                    continue
                }
                let phase = row.text("status").map(Phase.init(providerStatus:)) ?? .unknown
                try session.query(
                    """
                    UPDATE job SET tracking = 1, local_state = NULL, consecutive_404s = 0, phase = $1, terminal = $2,
                        tracked_at = $3, label = coalesce($4, label), next_poll_at = NULL
                    WHERE video_id = $5
                    """,
                    [.text(phase.rawValue), .of(phase.isTerminal), .integer(now), .of(label), .text(id.rawValue)])
                result.revived.append(id)
            }
            return result
        }
    }

    /// Stops polling `ids`; their history is kept. When some ids are not in the database nothing changes and those
    /// ids are returned.
    public func untrack(_ ids: [VideoID]) throws(StoreError) -> [VideoID] {
        try write { session in
            let known = try Self.knownVideoIDs(ids, session: session)
            let unknown = ids.filter { !known.contains($0.rawValue) }
            guard unknown.isEmpty else { return unknown }
            for chunk in Self.chunks(of: ids) {
                let placeholders = Placeholders()
                let list = chunk.map { placeholders(.text($0.rawValue)) }.joined(separator: ", ")
                try session.query("UPDATE job SET tracking = 0 WHERE video_id IN (\(list))", placeholders.values)
            }
            return []
        }
    }

    /// Ends locally every open job still not finished `giveUpAfter` after its creation (and after it was last
    /// tracked). A job whose `created_at` is unknown is aged from when it was first seen. Returns the abandoned ids,
    /// in the order the jobs were added.
    public func abandonStale(now date: Date, giveUpAfter: Duration) throws(StoreError) -> [String] {
        let cutoff = Timestamp.milliseconds(date) - giveUpAfter.milliseconds
        return try write { session in
            try session.query(
                """
                WITH abandoned AS (
                    UPDATE job SET local_state = 'abandoned', phase = 'abandoned', terminal = 1
                    WHERE tracking = 1 AND terminal = 0
                      AND coalesce(created_at * 1000, first_seen_at) <= $1 AND tracked_at <= $2
                    RETURNING id, video_id
                )
                SELECT video_id FROM abandoned ORDER BY id
                """, [.integer(cutoff), .integer(cutoff)]
            ).compactMap { $0.text(0) }
        }
    }

    /// The tracked jobs that are not finished, oldest first: what `sync` polls.
    public func openJobs() throws(StoreError) -> [OpenJob] {
        try read { session in
            try session.query("SELECT video_id, next_poll_at FROM job WHERE tracking = 1 AND terminal = 0 ORDER BY id")
                .compactMap { row in
                    guard let id = row.text(0).flatMap({ try? VideoID(validating: $0) }) else { return nil }
                    return OpenJob(videoID: id, nextPollAt: row.int64(1).map { Timestamp.date(milliseconds: $0) })
                }
        }
    }

    /// The ids of `ids` that are not in the database at all (whether tracked or not).
    public func unknownIDs(_ ids: [VideoID]) throws(StoreError) -> [VideoID] {
        try read { session in
            let known = try Self.knownVideoIDs(ids, session: session)
            return ids.filter { !known.contains($0.rawValue) }
        }
    }

    // MARK: Polls

    /// Records several poll attempts in one transaction (all or none), updating each job exactly as
    /// `JobDatabase.record(_:runID:)` does. Two statements per attempt: one finds (or creates) and locks the job and
    /// stores the body, one inserts the snapshot and updates the job.
    public func record(_ attempts: [PollAttempt], runID: Int64?) throws(StoreError) -> [RecordedPoll] {
        try write { session in
            try attempts.map { try recordPoll($0, runID: runID, session: session) }
        }
    }

    /// Records one attempt inside the caller's write transaction and returns how it changed its job.
    private func recordPoll(_ attempt: PollAttempt, runID: Int64?, session: PostgresSession) throws -> RecordedPoll {
        let polledAt = Timestamp.milliseconds(attempt.startedAt)
        let found = try findOrCreateJob(attempt, polledAt: polledAt, session: session)
        let (jobID, before, consecutive404s) = (found.jobID, found.phase, found.streak)

        let p = Placeholders()
        let job = p(.integer(jobID))
        let video = attempt.video
        let snapshot = [HistoryValue]([
            .of(runID), .integer(polledAt), .of(attempt.attempt), .of(attempt.httpStatus), .of(video?.status),
            .of(video?.progress), .of(video?.error?.code ?? attempt.apiError?.code),
            .of(video?.error?.message ?? attempt.apiError?.message), .of(video?.completedAt), .of(video?.expiresAt),
            .of(attempt.requestID), .of(attempt.pollError), .of(found.bodyID),
        ]).map { p($0) }

        let nextPollAt = (attempt.pollAfter ?? attempt.retryAfter).map { polledAt + $0.milliseconds }
        var after = before
        let assignments: String
        if let video {
            after = video.phase
            // Unlike SQLite, no separate statement for the usual poll that leaves created_at, expires_at and terminal
            // as they were: PostgreSQL compares the old and new values itself, so an unchanged indexed column still
            // allows a heap-only update.
            assignments = """
                terminal = \(p(.of(after.isTerminal))), created_at = coalesce(\(p(.of(video.createdAt))), created_at),
                    expires_at = coalesce(\(p(.of(video.expiresAt))), expires_at), status = \(p(.text(video.status))),
                    local_state = NULL, phase = \(p(.text(after.rawValue))), model = coalesce(\(p(.of(video.model))), model),
                    size = coalesce(\(p(.of(video.size))), size), seconds = coalesce(\(p(.of(video.seconds))), seconds),
                    progress = coalesce(\(p(.of(video.progress))), progress), prompt = coalesce(\(p(.of(video.prompt))), prompt),
                    completed_at = coalesce(\(p(.of(video.completedAt))), completed_at),
                    error_code = \(p(.of(video.error?.code))), error_message = \(p(.of(video.error?.message))),
                    remixed_from_video_id = coalesce(\(p(.of(video.remixedFromVideoID))), remixed_from_video_id),
                    last_polled_at = \(p(.integer(polledAt))), last_success_at = \(p(.integer(polledAt))), polls = polls + 1,
                    consecutive_404s = 0, next_poll_at = \(p(.of(nextPollAt)))
                """
        } else if attempt.httpStatus == 404 {
            let count = consecutive404s + 1
            if count >= JobDatabase.notFoundAfter404s && !before.isTerminal {
                after = .notFound
                assignments = """
                    local_state = 'not_found', phase = 'not_found', terminal = 1, consecutive_404s = \(p(.of(count))),
                        last_polled_at = \(p(.integer(polledAt))), polls = polls + 1, next_poll_at = NULL
                    """
            } else {
                assignments = """
                    consecutive_404s = \(p(.of(count))), last_polled_at = \(p(.integer(polledAt))), polls = polls + 1
                    """
            }
        } else {
            // Another response resets the 404 streak; a transport failure (no response) leaves it as it was.
            let streak = attempt.httpStatus == nil ? consecutive404s : 0
            assignments = """
                consecutive_404s = \(p(.of(streak))), last_polled_at = \(p(.integer(polledAt))), polls = polls + 1,
                    next_poll_at = coalesce(\(p(.of(nextPollAt))), next_poll_at)
                """
        }
        try session.query(
            """
            WITH snap AS (
                INSERT INTO snapshot (job_id, run_id, polled_at, attempt, http_status, status, progress, error_code,
                    error_message, completed_at, expires_at, request_id, poll_error, body_id)
                VALUES (\(([job] + snapshot).joined(separator: ", ")))
            )
            UPDATE job SET \(assignments) WHERE id = \(job)
            """, p.values)
        return RecordedPoll(videoID: attempt.videoID, before: before, after: after)
    }

    /// The job of `attempt`, locked for this transaction (created, first seen at `polledAt`, when it is not there
    /// yet), and the id of the attempt's body (stored when no identical body is), in one statement.
    private func findOrCreateJob(
        _ attempt: PollAttempt, polledAt: Int64, session: PostgresSession
    ) throws -> (jobID: Int64, phase: Phase, streak: Int, bodyID: Int64?) {
        let p = Placeholders()
        let videoID = p(.text(attempt.videoID.rawValue))
        let seen = p(.integer(polledAt))
        let body = attempt.body.map { Self.bodyCTEs($0, p) }
        let find = "SELECT id, phase, consecutive_404s FROM job WHERE video_id = $1 FOR NO KEY UPDATE"
        let row = try session.one(
            """
            WITH found AS (SELECT id, phase, consecutive_404s FROM job WHERE video_id = \(videoID) FOR NO KEY UPDATE),
            made AS (
                INSERT INTO job (video_id, first_seen_at, tracked_at)
                SELECT \(videoID)::text, \(seen)::bigint, \(seen)::bigint WHERE NOT EXISTS (SELECT 1 FROM found)
                ON CONFLICT (video_id) DO NOTHING RETURNING id
            )\(body.map { ",\n" + $0 } ?? "")
            SELECT job.id, job.phase, job.consecutive_404s, \(body == nil ? "NULL::bigint" : "(SELECT id FROM body_row)") AS body_id
            FROM (SELECT 1) AS one
            LEFT JOIN (
                SELECT id, phase, consecutive_404s FROM found
                UNION ALL SELECT id, 'unknown', 0 FROM made
            ) AS job ON true
            """, p.values)
        let bodyID = row?.int64("body_id")
        var job = row
        if row?.int64("id") == nil {
            // Another runner created the job between this statement's snapshot and its insert: read it again.
            job = try session.one(find, [.text(attempt.videoID.rawValue)])
        }
        guard let job, let jobID = job.int64("id") else {
            throw StoreError.io(path: location, reason: "job \(attempt.videoID) could not be found nor created")
        }
        return (
            jobID, Phase(rawValue: job.text("phase") ?? "") ?? .unknown, job.int("consecutive_404s") ?? 0, bodyID
        )
    }

    // MARK: Runs

    /// Records the start of a run of `command` and returns its id.
    public func startRun(command: String, at date: Date) throws(StoreError) -> Int64 {
        let location = location
        return try write { session in
            let row = try session.one(
                "INSERT INTO sync_run (command, started_at) VALUES ($1, $2) RETURNING id",
                [.text(command), .integer(Timestamp.milliseconds(date))])
            guard let id = row?.int64(0) else { throw StoreError.io(path: location, reason: "no id for the new run") }
            return id
        }
    }

    /// Records how a run ended.
    public func finishRun(_ id: Int64, counts: SyncRunCounts, exitCode: ExitStatus, at date: Date) throws(StoreError) {
        try write { session in
            _ = try session.query(
                """
                UPDATE sync_run SET finished_at = $1, jobs = $2, attempts = $3, responses = $4, completed = $5,
                    failed = $6, poll_errors = $7, exit_code = $8
                WHERE id = $9
                """,
                [
                    .integer(Timestamp.milliseconds(date)), .of(counts.jobs), .of(counts.attempts), .of(counts.responses),
                    .of(counts.completed), .of(counts.failed), .of(counts.pollErrors), .integer(Int64(exitCode.rawValue)),
                    .integer(id),
                ])
        }
    }

    // MARK: Creates

    /// Writes the ledger row of a create or remix about to be sent, before it is sent: outcome `unknown` until
    /// ``recordCreate(_:request:label:runID:ledgerRow:)`` fills in what came back, so that a run killed while the
    /// request is on the wire still leaves a trace of a job that may exist. Returns the row's id.
    public func beginCreateAttempt(_ request: CreateRequest, runID: Int64?, at date: Date) throws(StoreError) -> Int64 {
        let startedAt = Timestamp.milliseconds(date)
        let location = location
        return try write { session in
            let row = try session.one(
                """
                INSERT INTO create_attempt (run_id, kind, started_at, finished_at, prompt, model, seconds, size,
                    input_reference, input_bytes, source_video_id, outcome, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'unknown', $12)
                RETURNING id
                """,
                [
                    .of(runID), .text(request.kind.rawValue), .integer(startedAt), .integer(startedAt), .text(request.prompt),
                    .of(request.model), .of(request.seconds), .of(request.size), .of(request.inputReference),
                    .of(request.inputBytes), .of(request.sourceVideoID?.rawValue),
                    .text(
                        "no answer was recorded: the run stopped while the request was on its way; a job may exist: check with the provider before submitting again"
                    ),
                ])
            guard let id = row?.int64(0) else { throw StoreError.io(path: location, reason: "no id for the new create attempt") }
            return id
        }
    }

    /// Removes the ledger row of a request that was never sent (its input could not be read).
    public func discardCreateAttempt(_ ledgerRow: Int64) throws(StoreError) {
        try write { session in
            _ = try session.query(
                "DELETE FROM create_attempt WHERE id = $1 AND outcome = 'unknown' AND http_status IS NULL", [.integer(ledgerRow)])
        }
    }

    /// Records a create or remix: the request in `create_attempt` (filling in the row `ledgerRow` that
    /// ``beginCreateAttempt(_:runID:at:)`` wrote, or a new row) and, when a job came back, that job tracked (with
    /// `label`) and its answer recorded as its first snapshot, all in one transaction. Returns how the snapshot
    /// changed the job.
    @discardableResult
    public func recordCreate(
        _ attempt: CreateAttempt, request: CreateRequest, label: String?, runID: Int64?, ledgerRow: Int64?
    ) throws(StoreError) -> RecordedPoll? {
        let finishedAt = Timestamp.milliseconds(attempt.finishedAt)
        return try write { session -> RecordedPoll? in
            var jobID: Int64?
            if let created = attempt.created {
                // What the provider echoes wins when the snapshot is recorded (coalesce); what was asked is the fallback.
                jobID = try session.one(
                    """
                    INSERT INTO job (video_id, label, prompt, remixed_from_video_id, first_seen_at, tracked_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (video_id) DO UPDATE SET tracking = 1, label = coalesce(excluded.label, job.label),
                        prompt = coalesce(job.prompt, excluded.prompt),
                        remixed_from_video_id = coalesce(job.remixed_from_video_id, excluded.remixed_from_video_id)
                    RETURNING id
                    """,
                    [
                        .text(created.videoID.rawValue), .of(label), .text(request.prompt), .of(request.sourceVideoID?.rawValue),
                        .integer(finishedAt), .integer(finishedAt),
                    ])?.int64(0)
            }
            let p = Placeholders()
            // The answer's body is kept here only when no snapshot will hold it.
            let body = attempt.created == nil ? attempt.body.map { Self.bodyCTEs($0, p) } : nil
            let apiError: APIErrorInfo? = if case .refused(_, let error, _)? = attempt.failure { error } else { nil }
            let answer: [(column: String, value: String)] = [
                ("started_at", p(.integer(Timestamp.milliseconds(attempt.startedAt)))), ("finished_at", p(.integer(finishedAt))),
                ("outcome", p(.text(CreateAttemptRow.outcome(of: attempt)))), ("job_id", p(.of(jobID))),
                ("http_status", p(.of(attempt.httpStatus))), ("request_id", p(.of(attempt.requestID))),
                ("error_code", p(.of(apiError?.code))), ("error_message", p(.of(apiError?.message))),
                ("error", p(.of(attempt.failure?.description))),
                ("body_id", body == nil ? "NULL::bigint" : "(SELECT id FROM body_row)"),
            ]
            let with = body.map { "WITH " + $0 + "\n" } ?? ""
            if let ledgerRow {
                try session.query(
                    with + "UPDATE create_attempt SET \(answer.map { "\($0.column) = \($0.value)" }.joined(separator: ", "))"
                        + " WHERE id = \(p(.integer(ledgerRow)))", p.values)
            } else {
                let asked: [(column: String, value: String)] = [
                    ("run_id", p(.of(runID))), ("kind", p(.text(request.kind.rawValue))), ("prompt", p(.text(request.prompt))),
                    ("model", p(.of(request.model))), ("seconds", p(.of(request.seconds))), ("size", p(.of(request.size))),
                    ("input_reference", p(.of(request.inputReference))), ("input_bytes", p(.of(request.inputBytes))),
                    ("source_video_id", p(.of(request.sourceVideoID?.rawValue))),
                ]
                let columns = asked + answer
                try session.query(
                    with + "INSERT INTO create_attempt (\(columns.map(\.column).joined(separator: ", ")))"
                        + " VALUES (\(columns.map(\.value).joined(separator: ", ")))", p.values)
            }
            guard let created = attempt.created else { return nil }
            return try recordPoll(created, runID: runID, session: session)
        }
    }

    /// Every row of `create_attempt` in the order they were written.
    public func createAttempts() throws(StoreError) -> [CreateAttemptRow] {
        try read { session in
            try session.query(
                """
                SELECT c.kind, c.prompt, c.outcome, j.video_id, c.http_status, c.request_id, c.error_code, c.error,
                    c.input_reference, c.source_video_id, c.run_id, b.content AS body
                FROM create_attempt c
                LEFT JOIN job j ON j.id = c.job_id LEFT JOIN body b ON b.id = c.body_id ORDER BY c.id
                """
            ).map { row in
                CreateAttemptRow(
                    kind: row.text("kind") ?? "", prompt: row.text("prompt") ?? "", outcome: row.text("outcome") ?? "",
                    videoID: row.text("video_id"), httpStatus: row.int("http_status"), requestID: row.text("request_id"),
                    errorCode: row.text("error_code"), error: row.text("error"), inputReference: row.text("input_reference"),
                    sourceVideoID: row.text("source_video_id"), runID: row.int64("run_id"), body: row.bytes("body"))
            }
        }
    }

    // MARK: Downloads

    /// Records one download attempt (ok or failed, with the error body when one came), in one transaction and one
    /// statement; ``StoreError/unknownJob(_:)`` when the job is not in the database.
    public func recordDownload(_ attempt: DownloadAttempt) throws(StoreError) {
        try write { session in
            let p = Placeholders()
            let videoID = p(.text(attempt.videoID.rawValue))
            let body = attempt.body.map { Self.bodyCTEs($0, p) }
            let values = [
                p(.text(attempt.variant.rawValue)) + "::text", p(.integer(Timestamp.milliseconds(attempt.startedAt))) + "::bigint",
                p(.integer(Timestamp.milliseconds(attempt.finishedAt))) + "::bigint", p(.of(attempt.httpStatus)) + "::integer",
                p(.of(attempt.requestID)) + "::text", p(.of(attempt.contentType)) + "::text", p(.of(attempt.ok)) + "::integer",
                p(.of(attempt.file?.path)) + "::text", p(.of(attempt.file?.bytes)) + "::bigint",
                p(.of(attempt.file?.sha256)) + "::text", p(.of(attempt.ok ? nil : (attempt.error ?? "failed"))) + "::text",
                body == nil ? "NULL::bigint" : "(SELECT id FROM body_row)",
            ]
            let inserted = try session.query(
                """
                \(body.map { "WITH " + $0 } ?? "")
                INSERT INTO download (job_id, variant, attempted_at, finished_at, http_status, request_id, content_type,
                    ok, path, bytes, sha256, error, body_id)
                SELECT job.id, \(values.joined(separator: ", ")) FROM job WHERE job.video_id = \(videoID)
                RETURNING id
                """, p.values)
            // Nothing inserted: the transaction rolls back, the body stored above with it.
            if inserted.isEmpty { throw StoreError.unknownJob(attempt.videoID.rawValue) }
        }
    }

    // MARK: Helpers

    /// The CTEs `body_found`, `body_added` and `body_row` (one row: the body's id) that store `bytes` once: an identical
    /// earlier body (same 64-bit FNV-1a hash, same bytes) is reused, else the bytes are inserted.
    private static func bodyCTEs(_ bytes: Data, _ p: Placeholders) -> String {
        let hash = p(.integer(BodyHash.of(bytes)))
        let content = p(.bytes(bytes))
        return """
            body_found AS (SELECT id FROM body WHERE hash = \(hash) AND content = \(content) ORDER BY id LIMIT 1),
            body_added AS (
                INSERT INTO body (hash, content) SELECT \(hash)::bigint, \(content)::bytea
                WHERE NOT EXISTS (SELECT 1 FROM body_found)
                RETURNING id
            ),
            body_row AS (SELECT id FROM body_found UNION ALL SELECT id FROM body_added)
            """
    }

    /// Which of `ids` have a job row, whether tracked or not.
    private static func knownVideoIDs(_ ids: [VideoID], session: PostgresSession) throws -> Set<String> {
        var known = Set<String>()
        for chunk in chunks(of: ids) {
            let placeholders = Placeholders()
            let list = chunk.map { placeholders(.text($0.rawValue)) }.joined(separator: ", ")
            for row in try session.query("SELECT video_id FROM job WHERE video_id IN (\(list))", placeholders.values) {
                if let id = row.text(0) { known.insert(id) }
            }
        }
        return known
    }

    /// `ids` in slices of at most 1000, far below the 65 535 parameters a statement may have.
    private static func chunks(of ids: [VideoID]) -> [ArraySlice<VideoID>] {
        stride(from: 0, to: ids.count, by: 1000).map { ids[$0..<min(ids.count, $0 + 1000)] }
    }
}

/// The parameters of one statement: each call appends a value and returns its placeholder (`$1`, `$2`, …), so the
/// SQL and its binds are numbered together and cannot drift apart.
private final class Placeholders {
    private(set) var values: [HistoryValue] = []

    func callAsFunction(_ value: HistoryValue) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
