import Foundation
import JobStore
import VideoModel

// The reports and exports of `JobDatabase` in PostgreSQL's dialect (see PostgresJobDatabase+Reads.swift for the rules
// that keep their rows and order the same). The long ones (durations, timelines, exports) stream through a cursor.

extension PostgresJobDatabase {
    /// Streams `(group, completed_at − created_at)` of the finished jobs in `window` that have both times,
    /// ordered by group name, then duration (the order percentiles need), in one read transaction.
    public func durations(
        by grouping: JobGrouping, status: DurationStatus, window: CreatedWindow,
        _ body: (_ group: String, _ seconds: Int64) throws -> Void
    ) throws {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT \(grouping.postgresSQL) AS grp, job.completed_at - job.created_at AS duration FROM job
            WHERE job.phase IN (\(Self.phases(status))) AND job.created_at IS NOT NULL AND job.completed_at IS NOT NULL
            \(conditions.map { "AND " + $0 }.joined(separator: " "))
            ORDER BY grp, duration
            """
        try streamRows(sql, binds.values) { row in try body(row.text(0) ?? "", row.int64(1) ?? 0) }
    }

    /// Streams the timeline of every job in `window` with a provider `created_at` and at least one poll that saw a
    /// status, in job order, in one read transaction (memory: one job's polls, and the download times).
    public func timelines(by grouping: JobGrouping, window: CreatedWindow, _ body: (JobTimeline) throws -> Void) throws {
        let downloads = try read { session in
            var first: [Int64: Int64] = [:]
            let rows = try session.query(
                """
                SELECT job_id, min(finished_at) FROM download
                WHERE variant = 'video' AND ok = 1 AND finished_at IS NOT NULL GROUP BY job_id
                """)
            for row in rows {
                if let job = row.int64(0), let at = row.int64(1), first[job] == nil { first[job] = at }
            }
            return first
        }
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT job.id, job.video_id, \(grouping.postgresSQL), job.created_at, job.completed_at, job.expires_at, job.phase,
                snapshot.polled_at, snapshot.status
            FROM job JOIN snapshot ON snapshot.job_id = job.id
            WHERE job.created_at IS NOT NULL AND snapshot.status IS NOT NULL
            \(conditions.map { "AND " + $0 }.joined(separator: " "))
            ORDER BY job.id, snapshot.polled_at, snapshot.id
            """
        var current: (id: Int64, timeline: JobTimeline)?
        try streamRows(sql, binds.values) { row in
            let id = row.int64(0) ?? 0
            let sighting = JobTimeline.Sighting(polledAt: row.int64(7) ?? 0, phase: Phase(providerStatus: row.text(8) ?? ""))
            if current?.id == id {
                current?.timeline.sightings.append(sighting)
                return
            }
            if let current { try body(current.timeline) }
            let timeline = JobTimeline(
                videoID: row.text(1) ?? "", group: row.text(2) ?? "", createdAt: row.int64(3) ?? 0, completedAt: row.int64(4),
                expiresAt: row.int64(5), phase: row.text(6).flatMap(Phase.init(rawValue:)) ?? .unknown, sightings: [sighting],
                firstDownloadAt: downloads[id])
            current = (id, timeline)
        }
        if let current { try body(current.timeline) }
    }

    /// Total, completed, failed and pending jobs per group in `window`, groups sorted by name.
    public func failureCounts(by grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [GroupCounts] {
        try read { session in try Self.groupCounts(by: grouping, window: window, session: session) }
    }

    /// Failed jobs in `window` per error code (`unknown` for a null or empty code), codes sorted by name.
    public func failuresByErrorCode(window: CreatedWindow) throws(StoreError) -> [ErrorCodeCount] {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT \(JobGrouping.errorCode.postgresSQL) AS grp, count(*) FROM job
            WHERE job.phase = 'failed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            GROUP BY grp ORDER BY grp
            """
        return try read { session in
            try session.query(sql, binds.values).map { ErrorCodeCount(code: $0.text(0) ?? "", count: $0.int(1) ?? 0) }
        }
    }

    /// Failed jobs per group and error code in `window`, sorted by group, then code (the page's failure chart).
    public func failuresByErrorCode(per grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [(group: String, code: ErrorCodeCount)] {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT \(grouping.postgresSQL) AS grp, \(JobGrouping.errorCode.postgresSQL) AS code, count(*) FROM job
            WHERE job.phase = 'failed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            GROUP BY grp, code ORDER BY grp, code
            """
        return try read { session in
            try session.query(sql, binds.values).map {
                (group: $0.text(0) ?? "", code: ErrorCodeCount(code: $0.text(1) ?? "", count: $0.int(2) ?? 0))
            }
        }
    }

    /// Completed jobs in `window` whose assets expire in `(now, now + within]` (with `includeExpired`,
    /// also at or before `now`), soonest first.
    public func expiringJobs(now: Int64, within: Int64, includeExpired: Bool, window: CreatedWindow) throws(StoreError) -> [ExpiringJob] {
        let binds = ReadBinds()
        var conditions: [String] = []
        if !includeExpired { conditions.append("job.expires_at > \(binds(.integer(now)))") }
        conditions.append("job.expires_at <= \(binds(.integer(now + within)))")
        conditions += window.postgresConditions(binds)
        let sql = """
            SELECT job.video_id, job.model, job.completed_at, job.expires_at, \(Self.videoDownloaded) FROM job
            WHERE job.phase = 'completed' AND job.expires_at IS NOT NULL AND \(conditions.joined(separator: " AND "))
            ORDER BY job.expires_at, job.video_id COLLATE "C"
            """
        return try read { session in
            try session.query(sql, binds.values).map {
                ExpiringJob(
                    videoID: $0.text(0) ?? "", model: $0.text(1), completedAt: $0.int64(2), expiresAt: $0.int64(3) ?? 0,
                    downloaded: ($0.int64(4) ?? 0) != 0)
            }
        }
    }

    /// Per group of the completed jobs in `window`: how many there are, how many have a successful video download,
    /// and how many expired at or before `now` (unix seconds) without one; groups sorted by name.
    public func lossCounts(by grouping: JobGrouping, window: CreatedWindow, now: Int64) throws(StoreError) -> [LossCounts] {
        let binds = ReadBinds()
        let expired = binds(.integer(now))
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT grp, count(*), sum(downloaded::int)::bigint,
                sum((NOT downloaded AND expires_at IS NOT NULL AND expires_at <= \(expired))::int)::bigint
            FROM (
                SELECT \(grouping.postgresSQL) AS grp, job.expires_at AS expires_at, \(Self.videoDownloaded) AS downloaded FROM job
                WHERE job.phase = 'completed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            ) AS completed
            GROUP BY grp ORDER BY grp
            """
        return try read { session in
            try session.query(sql, binds.values).map {
                LossCounts(group: $0.text(0) ?? "", completed: $0.int(1) ?? 0, downloaded: $0.int(2) ?? 0, expiredUndownloaded: $0.int(3) ?? 0)
            }
        }
    }

    /// Streams every job created in `window`, oldest first (unknown creation time first), in one read transaction.
    ///
    /// Memory stays constant whatever the number of jobs; errors of `body` come out unchanged.
    public func exportJobs(window: CreatedWindow, _ body: (Job) throws -> Void) throws {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        // Unknown creation times come first, as in SQLite; a bounded window has none, and its order can use the index.
        let sql = """
            SELECT \(Self.jobColumns) FROM job
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY job.created_at\(conditions.isEmpty ? " NULLS FIRST" : ""), job.id
            """
        try streamRows(sql, binds.values) { row in try body(Self.job(row: row)) }
    }

    /// Streams every snapshot of the jobs created in `window`, in the order they were recorded, without
    /// their bodies, in one read transaction (constant memory for millions of rows).
    public func exportSnapshots(window: CreatedWindow, _ body: (Snapshot) throws -> Void) throws {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT \(Self.snapshotColumns) FROM snapshot JOIN job ON job.id = snapshot.job_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY snapshot.id
            """
        try streamRows(sql, binds.values) { row in try body(Self.snapshot(row: row, body: nil)) }
    }

    // MARK: Shared

    /// Total, completed, failed and pending jobs per group in `window`, groups sorted by name (also `metrics`' per model).
    static func groupCounts(by grouping: JobGrouping, window: CreatedWindow, session: PostgresSession) throws -> [GroupCounts] {
        let binds = ReadBinds()
        let conditions = window.postgresConditions(binds)
        let sql = """
            SELECT \(grouping.postgresSQL) AS grp, count(*), sum((job.phase = 'completed')::int)::bigint,
                sum((job.phase = 'failed')::int)::bigint, sum((job.phase IN ('queued', 'running', 'unknown'))::int)::bigint
            FROM job \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            GROUP BY grp ORDER BY grp
            """
        return try session.query(sql, binds.values).map {
            GroupCounts(group: $0.text(0) ?? "", total: $0.int(1) ?? 0, completed: $0.int(2) ?? 0, failed: $0.int(3) ?? 0, pending: $0.int(4) ?? 0)
        }
    }

    /// The phases a duration report measures, as an SQL list.
    private static func phases(_ status: DurationStatus) -> String {
        switch status {
        case .completed: "'completed'"
        case .failed: "'failed'"
        case .all: "'completed', 'failed'"
        }
    }
}
