import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// The latest state of each job matching `filter`, newest first.
    public func jobs(_ filter: JobFilter = JobFilter()) throws(StoreError) -> [Job] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let status = filter.status {
            conditions.append("(phase = ? OR coalesce(local_state, status) = ?)")
            arguments += [status, status]
        }
        if let model = filter.model {
            conditions.append("model = ?")
            arguments.append(model)
        }
        // Windows filter on the provider's created_at, as reports do: a job whose creation time is unknown is
        // outside every bounded window.
        let createdAt = "created_at"
        if let since = filter.since {
            conditions.append("\(createdAt) >= ?")
            arguments.append(Int64(since.timeIntervalSince1970.rounded(.down)))
        }
        if let until = filter.until {
            conditions.append("\(createdAt) < ?")
            arguments.append(Int64(until.timeIntervalSince1970.rounded(.up)))
        }
        var sql = "SELECT \(Job.selection) FROM job"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY coalesce(created_at, first_seen_at / 1000) DESC, id DESC"
        if let limit = filter.limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        let statementArguments = StatementArguments(arguments.map { $0.databaseValue })
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Job.init(row:)) }
    }

    /// One job, or nil when it is not in the database.
    public func job(_ id: VideoID) throws(StoreError) -> Job? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Job.selection) FROM job WHERE video_id = ?", arguments: [id.rawValue])
                .map(Job.init(row:))
        }
    }

    /// Every snapshot of one job, oldest first.
    public func snapshots(of id: VideoID) throws(StoreError) -> [Snapshot] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Snapshot.selection) FROM snapshot
                    JOIN job ON job.id = snapshot.job_id
                    LEFT JOIN body ON body.id = snapshot.body_id
                    WHERE job.video_id = ? ORDER BY snapshot.polled_at, snapshot.id
                    """,
                arguments: [id.rawValue]
            ).map(Snapshot.init(row:))
        }
    }

    /// Every request id recorded, with how many snapshots carry it (tests compare this with the server's log).
    public func recordedRequestIDs() throws(StoreError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for id in try String.fetchAll(db, sql: "SELECT request_id FROM snapshot WHERE request_id IS NOT NULL") {
                counts[id, default: 0] += 1
            }
            return counts
        }
    }

    /// Numbers of rows in the main tables.
    public func counts() throws(StoreError) -> HistoryCounts {
        try read { db in
            let row = try Row.fetchOne(db, sql: Self.countsSQL)
            return HistoryCounts(
                jobs: row?[0] ?? 0, snapshots: row?[1] ?? 0, bodies: row?[2] ?? 0, runs: row?[3] ?? 0,
                downloads: row?[4] ?? 0, createAttempts: row?[5] ?? 0)
        }
    }

    /// One query for `counts()`, valid on both backends.
    public static let countsSQL = """
        SELECT (SELECT count(*) FROM job), (SELECT count(*) FROM snapshot), (SELECT count(*) FROM body),
            (SELECT count(*) FROM sync_run), (SELECT count(*) FROM download), (SELECT count(*) FROM create_attempt)
        """
}

/// Which jobs a listing shows.
public struct JobFilter: Sendable {
    /// A phase (`completed`, `running`, …) or a raw provider status.
    public var status: String?
    public var model: String?
    /// Window on the provider's `created_at` (first seen, when unknown).
    public var since: Date?
    public var until: Date?
    public var limit: Int?

    public init(status: String? = nil, model: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int? = nil) {
        self.status = status
        self.model = model
        self.since = since
        self.until = until
        self.limit = limit
    }
}
