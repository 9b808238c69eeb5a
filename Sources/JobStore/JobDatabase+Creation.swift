import Foundation
import GRDB
import VideoAPI

extension JobDatabase {
    /// Records a create or remix: the request in `create_attempt` and, when a job came back, that job tracked (with
    /// `label`) and its answer recorded as its first snapshot. Returns how the snapshot changed the job.
    ///
    /// One transaction: the ledger row, the job's row, and the snapshot written by the same code as every poll's, so a
    /// crash leaves either all of them or none.
    @discardableResult
    public func recordCreation(
        _ attempt: CreationAttempt, request: CreateRequest, label: String?, runID: Int64?
    ) throws(StoreError) -> RecordedPoll? {
        let finishedAt = Timestamp.milliseconds(attempt.finishedAt)
        return try write { db -> RecordedPoll? in
            var jobID: Int64?
            if let created = attempt.created {
                // What the provider echoes wins when the snapshot is recorded (coalesce); what was asked is the fallback.
                try db.execute(
                    sql: """
                        INSERT INTO job (video_id, label, prompt, remixed_from_video_id, first_seen_at, tracked_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (video_id) DO UPDATE SET tracking = 1, label = coalesce(excluded.label, label),
                            prompt = coalesce(prompt, excluded.prompt),
                            remixed_from_video_id = coalesce(remixed_from_video_id, excluded.remixed_from_video_id)
                        """,
                    arguments: [
                        created.videoID.rawValue, label, request.prompt, request.sourceVideoID?.rawValue, finishedAt, finishedAt,
                    ])
                jobID = try Int64.fetchOne(db, sql: "SELECT id FROM job WHERE video_id = ?", arguments: [created.videoID.rawValue])
            }
            let bodyID = try attempt.created == nil ? attempt.body.map { try Self.storeBody($0, db: db) } : nil
            let apiError: APIErrorInfo? = if case .refused(_, let error, _)? = attempt.failure { error } else { nil }
            try db.execute(
                sql: """
                    INSERT INTO create_attempt (run_id, kind, started_at, finished_at, prompt, model, seconds, size,
                        input_reference, input_bytes, source_video_id, outcome, job_id, http_status, request_id,
                        error_code, error_message, error, body_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    runID, request.kind.rawValue, Timestamp.milliseconds(attempt.startedAt), finishedAt, request.prompt,
                    request.model, request.seconds, request.size, request.inputReference, request.inputBytes,
                    request.sourceVideoID?.rawValue, Self.outcome(of: attempt), jobID, attempt.httpStatus, attempt.requestID,
                    apiError?.code, apiError?.message, attempt.failure?.description, bodyID,
                ])
            guard let created = attempt.created else { return nil }
            return try Self.insert(created, runID: runID, db: db)
        }
    }

    /// The ids of `ids` that are not in the database at all (whether tracked or not).
    public func unknownIDs(_ ids: [VideoID]) throws(StoreError) -> [VideoID] {
        try read { db in
            try ids.filter { id in
                try !Bool(exists: db, sql: "SELECT 1 FROM job WHERE video_id = ?", arguments: [id.rawValue])
            }
        }
    }

    /// Every row of `create_attempt` in the order they were written.
    public func createAttempts() throws(StoreError) -> [CreateAttemptRow] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, j.video_id, b.content AS body FROM create_attempt c
                    LEFT JOIN job j ON j.id = c.job_id LEFT JOIN body b ON b.id = c.body_id ORDER BY c.id
                    """
            ).map { row in
                let body = StoredBody.bytes(row["body"])
                return CreateAttemptRow(
                    kind: row["kind"], prompt: row["prompt"], outcome: row["outcome"], videoID: row["video_id"],
                    httpStatus: row["http_status"], requestID: row["request_id"], errorCode: row["error_code"],
                    error: row["error"], inputReference: row["input_reference"], sourceVideoID: row["source_video_id"],
                    runID: row["run_id"], body: body)
            }
        }
    }

    private static func outcome(of attempt: CreationAttempt) -> String {
        switch attempt.failure {
        case nil: "created"
        case .refused?: "refused"
        case .notSent?: "not_sent"
        case .noAnswer?, .unreadableAnswer?: "unknown"
        }
    }
}
