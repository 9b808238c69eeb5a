import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Writes the ledger row of a create or remix about to be sent, before it is sent: outcome `unknown` until
    /// ``recordCreate(_:request:label:runID:ledgerRow:)`` fills in what came back. A run killed while the request is
    /// on the wire leaves this row, so a job paid for is never without a trace (a gateway may offer no list to find
    /// it by). Returns the row's id.
    public func beginCreateAttempt(_ request: CreateRequest, runID: Int64?, at date: Date) throws(StoreError) -> Int64 {
        let startedAt = Timestamp.milliseconds(date)
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO create_attempt (run_id, kind, started_at, finished_at, prompt, model, seconds, size,
                        input_reference, input_bytes, source_video_id, outcome, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unknown', ?)
                    """,
                arguments: [
                    runID, request.kind.rawValue, startedAt, startedAt, request.prompt, request.model, request.seconds,
                    request.size, request.inputReference, request.inputBytes, request.sourceVideoID?.rawValue,
                    "no answer was recorded: the run stopped while the request was on its way; a job may exist: check with the provider before submitting again",
                ])
            return db.lastInsertedRowID
        }
    }

    /// Removes the ledger row of a request that was never sent (its input could not be read).
    public func discardCreateAttempt(_ ledgerRow: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM create_attempt WHERE id = ? AND outcome = 'unknown' AND http_status IS NULL", arguments: [ledgerRow])
        }
    }

    /// Records a create or remix: the request in `create_attempt` (filling in the row `ledgerRow` that
    /// ``beginCreateAttempt(_:runID:at:)`` wrote, or a new row) and, when a job came back, that job tracked (with `label`)
    /// and its answer recorded as its first snapshot. Returns how the snapshot changed the job.
    ///
    /// One transaction: the ledger row, the job's row, and the snapshot written by the same code as every poll's, so a
    /// crash leaves either all of them or none.
    @discardableResult
    public func recordCreate(
        _ attempt: CreateAttempt, request: CreateRequest, label: String?, runID: Int64?, ledgerRow: Int64? = nil
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
            let answer: [(String, (any DatabaseValueConvertible)?)] = [
                ("started_at", Timestamp.milliseconds(attempt.startedAt)), ("finished_at", finishedAt),
                ("outcome", CreateAttemptRow.outcome(of: attempt)), ("job_id", jobID), ("http_status", attempt.httpStatus),
                ("request_id", attempt.requestID), ("error_code", apiError?.code), ("error_message", apiError?.message),
                ("error", attempt.failure?.description), ("body_id", bodyID),
            ]
            if let ledgerRow {
                try db.execute(
                    sql: "UPDATE create_attempt SET \(answer.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ?",
                    arguments: StatementArguments(answer.map(\.1) + [ledgerRow]))
            } else {
                let asked: [(String, (any DatabaseValueConvertible)?)] = [
                    ("run_id", runID), ("kind", request.kind.rawValue), ("prompt", request.prompt), ("model", request.model),
                    ("seconds", request.seconds), ("size", request.size), ("input_reference", request.inputReference),
                    ("input_bytes", request.inputBytes), ("source_video_id", request.sourceVideoID?.rawValue),
                ]
                let columns = asked + answer
                try db.execute(
                    sql: """
                        INSERT INTO create_attempt (\(columns.map(\.0).joined(separator: ", ")))
                        VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                        """,
                    arguments: StatementArguments(columns.map(\.1)))
            }
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
}

/// One row of `create_attempt`: a create or remix request and what came of it.
public struct CreateAttemptRow: Sendable, Equatable {
    /// `create` or `remix`.
    public var kind: String
    public var prompt: String
    /// `created`, `refused`, `not_sent` or `unknown`.
    public var outcome: String
    /// The job created, when one was.
    public var videoID: String?
    public var httpStatus: Int?
    public var requestID: String?
    public var errorCode: String?
    /// The one-line failure, when there was one.
    public var error: String?
    public var inputReference: String?
    public var sourceVideoID: String?
    public var runID: Int64?
    /// The stored answer, when no snapshot holds it.
    public var body: Data?

    /// The `create_attempt.outcome` of an attempt (the same on both stores).
    public static func outcome(of attempt: CreateAttempt) -> String {
        switch attempt.failure {
        case nil: "created"
        case .refused?: "refused"
        case .notSent?: "not_sent"
        case .noAnswer?, .unreadableAnswer?: "unknown"
        }
    }

    /// Every stored value, as another store reads it.
    public init(kind: String, prompt: String, outcome: String, videoID: String?, httpStatus: Int?, requestID: String?, errorCode: String?, error: String?, inputReference: String?, sourceVideoID: String?, runID: Int64?, body: Data?) {
        self.kind = kind
        self.prompt = prompt
        self.outcome = outcome
        self.videoID = videoID
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.errorCode = errorCode
        self.error = error
        self.inputReference = inputReference
        self.sourceVideoID = sourceVideoID
        self.runID = runID
        self.body = body
    }
}

/// What a create or remix asked for, as stored beside its outcome in `create_attempt`.
public struct CreateRequest: Sendable, Equatable {
    /// `create` or `remix`.
    public enum Kind: String, Sendable {
        case create, remix
    }

    public var kind: Kind
    public var prompt: String
    public var model: String?
    public var seconds: String?
    public var size: String?
    /// The file name of the input reference sent, and its size.
    public var inputReference: String?
    public var inputBytes: Int?
    /// The video a remix started from.
    public var sourceVideoID: VideoID?

    /// The request of a create: what was asked for, and the file name and size of an input reference.
    public init(
        prompt: String, model: String?, seconds: String?, size: String?, inputReference: String?, inputBytes: Int?
    ) {
        kind = .create
        self.prompt = prompt
        self.model = model
        self.seconds = seconds
        self.size = size
        self.inputReference = inputReference
        self.inputBytes = inputBytes
    }

    /// The request of a remix of `source`.
    public init(remixOf source: VideoID, prompt: String) {
        kind = .remix
        self.prompt = prompt
        sourceVideoID = source
    }
}
