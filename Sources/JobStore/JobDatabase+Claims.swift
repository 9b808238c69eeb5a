import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Claims up to `request.limit` due jobs for `request.holder` (see `HistoryStore.claimJobs`). SQLite serialises
    /// writers, so one write transaction picks and claims at once; PostgreSQL's store does the same with
    /// `FOR UPDATE SKIP LOCKED` (Sources/PostgresStore/PostgresDatabase+Claims.swift).
    public func claimJobs(_ request: ClaimRequest) throws(StoreError) -> ClaimBatch {
        try write { db in
            let (dueSQL, dueArguments) = Self.dueJobs(request)
            let free = "(claim.job_id IS NULL OR claim.expires_at <= ?)"
            let ids = try Row.fetchAll(
                db,
                sql: """
                    SELECT job.id, job.video_id FROM job
                    LEFT JOIN claim ON claim.job_id = job.id AND claim.purpose = ?
                    WHERE \(dueSQL) AND \(free)
                    ORDER BY job.id LIMIT ?
                    """,
                arguments: StatementArguments([request.purpose.name] + dueArguments + [request.now, request.limit]))
            for row in ids {
                try db.execute(
                    sql: """
                        INSERT INTO claim (job_id, purpose, holder, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (job_id, purpose) DO UPDATE SET holder = excluded.holder,
                            claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
                        """,
                    arguments: [row[0] as Int64, request.purpose.name, request.holder, request.now, request.until])
            }
            let held = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) FILTER (WHERE claim.expires_at > ? AND claim.holder <> ?),
                        min(claim.expires_at) FILTER (WHERE claim.expires_at > ? AND claim.holder <> ?),
                        count(*) FILTER (WHERE claim.job_id IS NULL OR claim.expires_at <= ?)
                    FROM job LEFT JOIN claim ON claim.job_id = job.id AND claim.purpose = ?
                    WHERE \(dueSQL)
                    """,
                arguments: StatementArguments(
                    [request.now, request.holder, request.now, request.holder, request.now, request.purpose.name] + dueArguments))
            return ClaimBatch(
                jobs: ids.compactMap { try? VideoID(validating: $0[1] as String) }, heldElsewhere: held?[0] ?? 0,
                nextExpiry: held?[1], unclaimed: held?[2] ?? 0)
        }
    }

    /// Drops every claim of `holder` (the end of its run).
    public func releaseClaims(holder: String) throws(StoreError) {
        try write { db in try db.execute(sql: "DELETE FROM claim WHERE holder = ?", arguments: [holder]) }
    }

    /// The condition on `job` of a due job, and its arguments: open and not polled in this round, or (downloads) one
    /// of the candidates.
    static func dueJobs(_ request: ClaimRequest) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        switch request.purpose {
        case .poll:
            var sql = "job.tracking = 1 AND job.terminal = 0 AND (job.last_polled_at IS NULL OR job.last_polled_at < "
            var arguments: [any DatabaseValueConvertible]
            if let since = request.joinRunsSince {
                sql += roundStartSQL + ")"
                arguments = [since, request.roundStart, request.roundStart, request.roundStart]
            } else {
                sql += "?)"
                arguments = [request.roundStart]
            }
            if !request.candidates.isEmpty {
                sql += " AND job.video_id IN (\(databaseQuestionMarks(count: request.candidates.count)))"
                arguments += request.candidates.map(\.rawValue)
            }
            return (sql, arguments)
        case .download:
            let ids = request.candidates.map(\.rawValue)
            if ids.isEmpty { return ("0", []) }
            return ("job.video_id IN (\(databaseQuestionMarks(count: ids.count)))", ids)
        }
    }
}
