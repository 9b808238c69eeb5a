import Foundation
import GRDB
import VideoAPI

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
        try write { db in try attempts.map { try Self.insert($0, runID: runID, db: db) } }
    }

    private static func insert(_ attempt: PollAttempt, runID: Int64?, db: Database) throws -> RecordedPoll {
        let polledAt = Timestamp.milliseconds(attempt.startedAt)
        let jobRow = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, phase, consecutive_404s FROM job WHERE video_id = ?"),
            arguments: [attempt.videoID.rawValue])
        let jobID: Int64
        let before: Phase
        let consecutive404s: Int
        if let jobRow {
            jobID = jobRow["id"]
            before = Phase(rawValue: jobRow["phase"]) ?? .unknown
            consecutive404s = jobRow["consecutive_404s"]
        } else {
            try db.cachedStatement(sql: "INSERT INTO job (video_id, first_seen_at, tracked_at) VALUES (?, ?, ?)")
                .execute(arguments: [attempt.videoID.rawValue, polledAt, polledAt])
            jobID = db.lastInsertedRowID
            before = .unknown
            consecutive404s = 0
        }

        let bodyID = try attempt.body.map { try storeBody($0, db: db) }
        let video = attempt.video
        try db.cachedStatement(
            sql: """
                INSERT INTO snapshot (job_id, run_id, polled_at, attempt, http_status, status, progress, error_code,
                    error_message, completed_at, expires_at, request_id, poll_error, body_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            jobID, runID, polledAt, attempt.attempt, attempt.httpStatus, video?.status, video?.progress,
            video?.error?.code ?? attempt.apiError?.code, video?.error?.message ?? attempt.apiError?.message,
            video?.completedAt, video?.expiresAt, attempt.requestID, attempt.pollError, bodyID,
        ])

        let nextPollAt = (attempt.pollAfter ?? attempt.retryAfter).map { polledAt + $0.milliseconds }
        var after = before
        if let video {
            after = video.phase
            try db.cachedStatement(
                sql: """
                    UPDATE job SET status = ?, local_state = NULL, phase = ?, terminal = ?,
                        model = coalesce(?, model), size = coalesce(?, size), seconds = coalesce(?, seconds),
                        progress = coalesce(?, progress), prompt = coalesce(?, prompt),
                        created_at = coalesce(?, created_at), completed_at = coalesce(?, completed_at),
                        expires_at = coalesce(?, expires_at), error_code = ?, error_message = ?,
                        remixed_from_video_id = coalesce(?, remixed_from_video_id),
                        last_polled_at = ?, last_success_at = ?, polls = polls + 1, consecutive_404s = 0,
                        next_poll_at = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [
                video.status, after.rawValue, after.isTerminal, video.model, video.size, video.seconds,
                video.progress, video.prompt, video.createdAt, video.completedAt, video.expiresAt,
                video.error?.code, video.error?.message, video.remixedFromVideoID,
                polledAt, polledAt, nextPollAt, jobID,
            ])
        } else if attempt.httpStatus == 404 {
            let count = consecutive404s + 1
            if count >= notFoundAfter404s && !before.isTerminal {
                after = .notFound
                try db.cachedStatement(
                    sql: """
                        UPDATE job SET local_state = 'not_found', phase = 'not_found', terminal = 1,
                            consecutive_404s = ?, last_polled_at = ?, polls = polls + 1, next_poll_at = NULL
                        WHERE id = ?
                        """
                ).execute(arguments: [count, polledAt, jobID])
            } else {
                try db.cachedStatement(
                    sql: "UPDATE job SET consecutive_404s = ?, last_polled_at = ?, polls = polls + 1 WHERE id = ?"
                ).execute(arguments: [count, polledAt, jobID])
            }
        } else {
            // Another response resets the 404 streak; a transport failure (no response) leaves it as it was.
            let streak = attempt.httpStatus == nil ? consecutive404s : 0
            try db.cachedStatement(
                sql: """
                    UPDATE job SET consecutive_404s = ?, last_polled_at = ?, polls = polls + 1,
                        next_poll_at = coalesce(?, next_poll_at)
                    WHERE id = ?
                    """
            ).execute(arguments: [streak, polledAt, nextPollAt, jobID])
        }
        return RecordedPoll(videoID: attempt.videoID, before: before, after: after)
    }

    /// Stores a body once: an identical earlier body is reused.
    private static func storeBody(_ bytes: Data, db: Database) throws -> Int64 {
        let hash = BodyHash.of(bytes)
        let value: DatabaseValue = String(data: bytes, encoding: .utf8).map(\.databaseValue) ?? bytes.databaseValue
        if let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM body WHERE hash = ? AND content = ? LIMIT 1"),
            arguments: [hash, value])
        {
            return existing
        }
        try db.cachedStatement(sql: "INSERT INTO body (hash, content) VALUES (?, ?)").execute(arguments: [hash, value])
        return db.lastInsertedRowID
    }
}
