import Foundation
import GRDB

/// The jobs a report or export covers: provider `created_at` in `[since, until)` (unix seconds).
///
/// A job whose `created_at` is unknown is outside every window with a bound, and inside an unbounded one.
public struct CreatedWindow: Sendable, Equatable {
    /// First second included, if bounded.
    public var since: Int64?
    /// First second excluded, if bounded.
    public var until: Int64?

    /// A window in whole unix seconds.
    public init(since: Int64? = nil, until: Int64? = nil) {
        self.since = since
        self.until = until
    }

    /// A window from dates: `created_at ≥ since` and `created_at < until` on whole seconds.
    public init(since: Date?, until: Date?) {
        // created_at is whole seconds: `c ≥ 12.5` is `c ≥ 13`, and `c < 12.5` is `c < 13`.
        self.since = since.map { Int64($0.timeIntervalSince1970.rounded(.up)) }
        self.until = until.map { Int64($0.timeIntervalSince1970.rounded(.up)) }
    }

    /// The whole history.
    public static let all = CreatedWindow()

    /// SQL conditions on `created_at` of the table `job` and their arguments.
    func conditions() -> (sql: [String], arguments: [DatabaseValue]) {
        var sql: [String] = []
        var arguments: [DatabaseValue] = []
        if let since {
            sql.append("job.created_at >= ?")
            arguments.append(since.databaseValue)
        }
        if let until {
            sql.append("job.created_at < ?")
            arguments.append(until.databaseValue)
        }
        return (sql, arguments)
    }
}

/// How a report groups jobs (`--by`). Null or empty values group as `unknown`.
public enum JobGrouping: String, Sendable, CaseIterable {
    /// One group, `all`.
    case none
    case model
    case size
    /// The `seconds` text as the provider sent it.
    case seconds
    /// The UTC date of `created_at`.
    case day
    /// The failure's error code (failure reports only).
    case errorCode = "error_code"

    /// The SQL expression of the group name.
    var sql: String {
        switch self {
        case .none: return "'all'"
        case .model: return "coalesce(nullif(job.model, ''), 'unknown')"
        case .size: return "coalesce(nullif(job.size, ''), 'unknown')"
        case .seconds: return "coalesce(nullif(job.seconds, ''), 'unknown')"
        case .day: return "coalesce(date(job.created_at, 'unixepoch'), 'unknown')"
        case .errorCode: return "coalesce(nullif(job.error_code, ''), 'unknown')"
        }
    }
}

/// Which finished jobs a duration report measures.
public enum DurationStatus: String, Sendable, CaseIterable {
    case completed, failed
    /// Completed and failed.
    case all

    var phases: String {
        switch self {
        case .completed: return "'completed'"
        case .failed: return "'failed'"
        case .all: return "'completed', 'failed'"
        }
    }
}

/// How many jobs of one group are in each state (`report failures`).
public struct GroupCounts: Sendable, Equatable {
    public var group: String
    /// Every job of the group, abandoned and not found ones included.
    public var total: Int
    public var completed: Int
    public var failed: Int
    /// Not finished yet (queued, running, or a status the tool does not know).
    public var pending: Int

    /// Counts of one group.
    public init(group: String, total: Int, completed: Int, failed: Int, pending: Int) {
        self.group = group
        self.total = total
        self.completed = completed
        self.failed = failed
        self.pending = pending
    }
}

/// How many failed jobs carry one error code (`report failures --by error_code`).
public struct ErrorCodeCount: Sendable, Equatable {
    /// The code, `unknown` for a null or empty one.
    public var code: String
    public var count: Int

    /// A count of one code.
    public init(code: String, count: Int) {
        self.code = code
        self.count = count
    }
}

/// A completed job whose assets expire (`report expiring`).
public struct ExpiringJob: Sendable, Equatable {
    public var videoID: String
    public var model: String?
    public var completedAt: Int64?
    /// Unix seconds.
    public var expiresAt: Int64
    /// Whether its video has a successful download.
    public var downloaded: Bool

    /// An expiring job.
    public init(videoID: String, model: String?, completedAt: Int64?, expiresAt: Int64, downloaded: Bool = false) {
        self.videoID = videoID
        self.model = model
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.downloaded = downloaded
    }
}

extension JobDatabase {
    /// Streams `(group, completed_at − created_at)` of the finished jobs in `window` that have both times,
    /// ordered by group name, then duration (the order percentiles need), in one read transaction.
    public func durations(
        by grouping: JobGrouping, status: DurationStatus, window: CreatedWindow,
        _ body: (_ group: String, _ seconds: Int64) throws -> Void
    ) throws {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT \(grouping.sql) AS grp, job.completed_at - job.created_at AS duration FROM job
            WHERE job.phase IN (\(status.phases)) AND job.created_at IS NOT NULL AND job.completed_at IS NOT NULL
            \(conditions.map { "AND " + $0 }.joined(separator: " "))
            ORDER BY grp, duration
            """
        try stream(sql: sql, arguments: StatementArguments(arguments)) { row in
            try body(row[0], row[1])
        }
    }

    /// Total, completed, failed and pending jobs per group in `window`, groups sorted by name.
    public func failureCounts(by grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [GroupCounts] {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT \(grouping.sql) AS grp, count(*), sum(job.phase = 'completed'), sum(job.phase = 'failed'),
                sum(job.phase IN ('queued', 'running', 'unknown'))
            FROM job \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            GROUP BY grp ORDER BY grp
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                GroupCounts(group: $0[0], total: $0[1], completed: $0[2], failed: $0[3], pending: $0[4])
            }
        }
    }

    /// Failed jobs in `window` per error code (`unknown` for a null or empty code), codes sorted by name.
    public func failuresByErrorCode(window: CreatedWindow) throws(StoreError) -> [ErrorCodeCount] {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT \(JobGrouping.errorCode.sql) AS grp, count(*) FROM job
            WHERE job.phase = 'failed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            GROUP BY grp ORDER BY grp
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { ErrorCodeCount(code: $0[0], count: $0[1]) }
        }
    }

    /// Failed jobs per group and error code in `window`, sorted by group, then code (the page's failure chart).
    public func failuresByErrorCode(per grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [(group: String, code: ErrorCodeCount)] {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT \(grouping.sql) AS grp, \(JobGrouping.errorCode.sql) AS code, count(*) FROM job
            WHERE job.phase = 'failed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            GROUP BY grp, code ORDER BY grp, code
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                (group: $0[0], code: ErrorCodeCount(code: $0[1], count: $0[2]))
            }
        }
    }

    /// Completed jobs in `window` whose assets expire in `(now, now + within]` (with `includeExpired`,
    /// also at or before `now`), soonest first.
    public func expiringJobs(now: Int64, within: Int64, includeExpired: Bool, window: CreatedWindow) throws(StoreError) -> [ExpiringJob] {
        var (conditions, arguments) = window.conditions()
        conditions.insert("job.expires_at <= ?", at: 0)
        arguments.insert((now + within).databaseValue, at: 0)
        if !includeExpired {
            conditions.insert("job.expires_at > ?", at: 0)
            arguments.insert(now.databaseValue, at: 0)
        }
        let sql = """
            SELECT job.video_id, job.model, job.completed_at, job.expires_at, \(Self.videoDownloaded) FROM job
            WHERE job.phase = 'completed' AND job.expires_at IS NOT NULL AND \(conditions.joined(separator: " AND "))
            ORDER BY job.expires_at, job.video_id
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                ExpiringJob(videoID: $0[0], model: $0[1], completedAt: $0[2], expiresAt: $0[3], downloaded: $0[4])
            }
        }
    }

    /// Runs `sql` in one read transaction and hands each row to `body` as it is read (constant memory).
    ///
    /// Errors of `body` come out unchanged; database errors come out as ``StoreError``.
    func stream(sql: String, arguments: StatementArguments, _ body: (Row) throws -> Void) throws {
        var failure: (any Error)?
        try read { db in
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            while let row = try cursor.next() {
                do {
                    try body(row)
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
    }
}
