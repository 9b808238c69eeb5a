import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// A job answering 404 this many polls in a row is ended locally as `not_found`.
    public static let notFoundAfter404s = 3

    /// Records one poll attempt and updates its job, in one transaction.
    @discardableResult
    public func record(_ attempt: PollAttempt, runID: Int64?) throws(StoreError) -> RecordedPoll {
        try record([attempt], runID: runID)[0]
    }

    /// Records several poll attempts in one transaction (all or none), updating each job.
    public func record(_ attempts: [PollAttempt], runID: Int64?) throws(StoreError) -> [RecordedPoll] {
        try write { db in
            var statements = try PollStatements(db)
            return try attempts.map { try Self.insert($0, runID: runID, statements: &statements, db: db) }
        }
    }

    /// Records one attempt inside a write transaction the caller holds (a create response and its job, say).
    static func insert(_ attempt: PollAttempt, runID: Int64?, db: Database) throws -> RecordedPoll {
        var statements = try PollStatements(db)
        return try insert(attempt, runID: runID, statements: &statements, db: db)
    }

    /// The statements one poll needs, looked up once per transaction rather than once per poll.
    struct PollStatements {
        var findJob: RawStatement
        var createJob: RawStatement
        var insertSnapshot: RawStatement
        var updateFromVideo: RawStatement
        var updateSteadyFromVideo: RawStatement
        var markNotFound: RawStatement
        var count404: RawStatement
        var updateAfterError: RawStatement
        var findBody: RawStatement
        var insertBody: RawStatement

        init(_ db: Database) throws {
            findJob = try RawStatement(
                "SELECT id, phase, consecutive_404s, created_at, expires_at, terminal FROM job WHERE video_id = ?", in: db)
            createJob = try RawStatement(insertInto: "job", columns: ["video_id", "first_seen_at", "tracked_at"], in: db)
            insertSnapshot = try RawStatement(
                insertInto: "snapshot",
                columns: [
                    "job_id", "run_id", "polled_at", "attempt", "http_status", "status", "progress", "error_code",
                    "error_message", "completed_at", "expires_at", "request_id", "poll_error", "body_id",
                ], in: db)
            updateFromVideo = try RawStatement(update: "job", set: videoUpdate(settingIndexed: true), whereColumn: "id", in: db)
            updateSteadyFromVideo = try RawStatement(
                update: "job", set: videoUpdate(settingIndexed: false), whereColumn: "id", in: db)
            markNotFound = try RawStatement(
                update: "job",
                set: [
                    ("local_state", "'not_found'"), ("phase", "'not_found'"), ("terminal", "1"), ("consecutive_404s", "?"),
                    ("last_polled_at", "?"), ("polls", "polls + 1"), ("next_poll_at", "NULL"),
                ], whereColumn: "id", in: db)
            count404 = try RawStatement(
                update: "job", set: [("consecutive_404s", "?"), ("last_polled_at", "?"), ("polls", "polls + 1")],
                whereColumn: "id", in: db)
            updateAfterError = try RawStatement(
                update: "job",
                set: [
                    ("consecutive_404s", "?"), ("last_polled_at", "?"), ("polls", "polls + 1"),
                    ("next_poll_at", "coalesce(?, next_poll_at)"),
                ], whereColumn: "id", in: db)
            findBody = try RawStatement("SELECT id FROM body WHERE hash = ? AND content = ? LIMIT 1", in: db)
            insertBody = try RawStatement("INSERT INTO body (hash, content) VALUES (?, ?)", in: db)
        }
    }

    private static func insert(
        _ attempt: PollAttempt, runID: Int64?, statements: inout PollStatements, db: Database
    ) throws -> RecordedPoll {
        let polledAt = Timestamp.milliseconds(attempt.startedAt)
        statements.findJob.bind(attempt.videoID.rawValue)
        let found = try statements.findJob.firstRow { row in
            (
                id: row.int64(0), phase: Phase(rawValue: row.text(1) ?? "") ?? .unknown, streak: Int(row.int64(2)),
                createdAt: row.optionalInt64(3), expiresAt: row.optionalInt64(4), terminal: row.int64(5) != 0
            )
        }
        let jobID: Int64
        let before: Phase
        let consecutive404s: Int
        var indexed: (createdAt: Int64?, expiresAt: Int64?, terminal: Bool)?
        if let found {
            (jobID, before, consecutive404s) = (found.id, found.phase, found.streak)
            indexed = (found.createdAt, found.expiresAt, found.terminal)
        } else {
            statements.createJob.bind(attempt.videoID.rawValue, as: "video_id")
            statements.createJob.bind(polledAt, as: "first_seen_at")
            statements.createJob.bind(polledAt, as: "tracked_at")
            try statements.createJob.execute()
            jobID = db.lastInsertedRowID
            before = .unknown
            consecutive404s = 0
        }

        let bodyID = try attempt.body.map { try storeBody($0, find: &statements.findBody, insert: &statements.insertBody, db: db) }
        let video = attempt.video
        var snapshot = statements.insertSnapshot
        defer { statements.insertSnapshot = snapshot }
        snapshot.bind(jobID, as: "job_id")
        snapshot.bind(runID, as: "run_id")
        snapshot.bind(polledAt, as: "polled_at")
        snapshot.bind(attempt.attempt, as: "attempt")
        snapshot.bind(attempt.httpStatus, as: "http_status")
        snapshot.bind(video?.status, as: "status")
        snapshot.bind(video?.progress, as: "progress")
        snapshot.bind(video?.error?.code ?? attempt.apiError?.code, as: "error_code")
        snapshot.bind(video?.error?.message ?? attempt.apiError?.message, as: "error_message")
        snapshot.bind(video?.completedAt, as: "completed_at")
        snapshot.bind(video?.expiresAt, as: "expires_at")
        snapshot.bind(attempt.requestID, as: "request_id")
        snapshot.bind(attempt.pollError, as: "poll_error")
        snapshot.bind(bodyID, as: "body_id")
        try snapshot.execute()

        let nextPollAt = (attempt.pollAfter ?? attempt.retryAfter).map { polledAt + $0.milliseconds }
        var after = before
        if let video {
            after = video.phase
            // The usual poll leaves created_at, expires_at and terminal as they are: leaving these indexed columns
            // out of SET spares SQLite rewriting three index entries.
            let steady = indexed.map {
                (video.createdAt ?? $0.createdAt) == $0.createdAt && (video.expiresAt ?? $0.expiresAt) == $0.expiresAt
                    && after.isTerminal == $0.terminal
            } ?? false
            if steady {
                try bindAndRun(&statements.updateSteadyFromVideo, video, after: after, settingIndexed: false, polledAt: polledAt, nextPollAt: nextPollAt, jobID: jobID)
            } else {
                try bindAndRun(&statements.updateFromVideo, video, after: after, settingIndexed: true, polledAt: polledAt, nextPollAt: nextPollAt, jobID: jobID)
            }
        } else if attempt.httpStatus == 404 {
            let count = consecutive404s + 1
            if count >= notFoundAfter404s && !before.isTerminal {
                after = .notFound
                statements.markNotFound.bind(count, as: "consecutive_404s")
                statements.markNotFound.bind(polledAt, as: "last_polled_at")
                statements.markNotFound.bind(jobID, as: "id")
                try statements.markNotFound.execute()
            } else {
                statements.count404.bind(count, as: "consecutive_404s")
                statements.count404.bind(polledAt, as: "last_polled_at")
                statements.count404.bind(jobID, as: "id")
                try statements.count404.execute()
            }
        } else {
            // Another response resets the 404 streak; a transport failure (no response) leaves it as it was.
            let streak = attempt.httpStatus == nil ? consecutive404s : 0
            statements.updateAfterError.bind(streak, as: "consecutive_404s")
            statements.updateAfterError.bind(polledAt, as: "last_polled_at")
            statements.updateAfterError.bind(nextPollAt, as: "next_poll_at")
            statements.updateAfterError.bind(jobID, as: "id")
            try statements.updateAfterError.execute()
        }
        return RecordedPoll(videoID: attempt.videoID, before: before, after: after)
    }

    /// The job update of a poll that returned the video; with `settingIndexed`, also the indexed columns
    /// `terminal`, `created_at` and `expires_at`.
    static func videoUpdate(settingIndexed: Bool) -> [(column: String, expression: String)] {
        let indexed = [("terminal", "?"), ("created_at", "coalesce(?, created_at)"), ("expires_at", "coalesce(?, expires_at)")]
        return (settingIndexed ? indexed : []) + [
            ("status", "?"), ("local_state", "NULL"), ("phase", "?"), ("model", "coalesce(?, model)"),
            ("size", "coalesce(?, size)"), ("seconds", "coalesce(?, seconds)"), ("progress", "coalesce(?, progress)"),
            ("prompt", "coalesce(?, prompt)"), ("completed_at", "coalesce(?, completed_at)"), ("error_code", "?"),
            ("error_message", "?"), ("remixed_from_video_id", "coalesce(?, remixed_from_video_id)"),
            ("last_polled_at", "?"), ("last_success_at", "?"), ("polls", "polls + 1"), ("consecutive_404s", "0"),
            ("next_poll_at", "?"),
        ]
    }

    /// Binds ``videoUpdate(settingIndexed:)`` by column name and runs it.
    private static func bindAndRun(
        _ update: inout RawStatement, _ video: Video, after: Phase, settingIndexed: Bool, polledAt: Int64, nextPollAt: Int64?,
        jobID: Int64
    ) throws {
        if settingIndexed {
            update.bind(after.isTerminal, as: "terminal")
            update.bind(video.createdAt, as: "created_at")
            update.bind(video.expiresAt, as: "expires_at")
        }
        update.bind(video.status, as: "status")
        update.bind(after.rawValue, as: "phase")
        update.bind(video.model, as: "model")
        update.bind(video.size, as: "size")
        update.bind(video.seconds, as: "seconds")
        update.bind(video.progress, as: "progress")
        update.bind(video.prompt, as: "prompt")
        update.bind(video.completedAt, as: "completed_at")
        update.bind(video.error?.code, as: "error_code")
        update.bind(video.error?.message, as: "error_message")
        update.bind(video.remixedFromVideoID, as: "remixed_from_video_id")
        update.bind(polledAt, as: "last_polled_at")
        update.bind(polledAt, as: "last_success_at")
        update.bind(nextPollAt, as: "next_poll_at")
        update.bind(jobID, as: "id")
        try update.execute()
    }

    /// Stores a body once: an identical earlier body is reused. UTF-8 bodies are stored as TEXT (so
    /// `json_extract` works on them), anything else as a BLOB, byte for byte either way.
    static func storeBody(_ bytes: Data, db: Database) throws -> Int64 {
        var statements = try PollStatements(db)
        return try storeBody(bytes, find: &statements.findBody, insert: &statements.insertBody, db: db)
    }

    private static func storeBody(_ bytes: Data, find: inout RawStatement, insert: inout RawStatement, db: Database) throws -> Int64 {
        let hash = BodyHash.of(bytes)
        let asText = bytes.isValidUTF8
        find.bind(hash)
        find.bind(bytes, asText: asText)
        if let existing = try find.firstRow({ $0.int64(0) }) { return existing }
        insert.bind(hash)
        insert.bind(bytes, asText: asText)
        try insert.execute()
        return db.lastInsertedRowID
    }
}

/// 64-bit FNV-1a, used to find an identical stored response body quickly.
public enum BodyHash {
    /// The hash of `bytes`, read through one contiguous buffer (no per-byte iterator).
    public static func of(_ bytes: Data) -> Int64 {
        bytes.withUnsafeBytes { buffer in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return Int64(bitPattern: hash)
        }
    }
}

/// How one recorded attempt changed its job.
public struct RecordedPoll: Sendable, Equatable {
    public var videoID: VideoID
    /// The job's phase before and after the attempt.
    public var before: Phase
    public var after: Phase

    /// True when this attempt finished the job (provider or local terminal state).
    public var becameTerminal: Bool { !before.isTerminal && after.isTerminal }

    /// Every stored value, as another store reads it.
    public init(videoID: VideoID, before: Phase, after: Phase) {
        self.videoID = videoID
        self.before = before
        self.after = after
    }
}
