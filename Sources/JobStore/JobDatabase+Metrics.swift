import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Completed jobs expiring this long after now count as expiring soon (seconds).
    public static let expiringSoonSeconds: Int64 = 3600

    /// The commands whose runs hold the sync lock: `sync_run` rows that never overlap one another.
    static let lockingCommands: Set<String> = ["sync", "watch"]

    /// Everything `soratrack metrics` exposes, read in one transaction; `window` bounds the failure ratios
    /// (jobs created in `[now − window, now]`).
    public func metrics(now: Date, window: Duration) throws(StoreError) -> StoreMetrics {
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let windowSeconds = window.components.seconds
        let created = CreatedWindow(since: nowSeconds - windowSeconds, until: nowSeconds + 1)
        let bytes = fileSize()
        let expired = try expiredUndownloadedCount(now: now)
        return try read { db in
            var phases = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT phase, count(*) FROM job GROUP BY phase") {
                if let phase = Phase(rawValue: row[0]) { phases[phase] = row[1] }
            }
            let (conditions, arguments) = created.conditions()
            let byModel = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(JobGrouping.model.sql) AS grp, count(*), sum(job.phase = 'completed'), sum(job.phase = 'failed'),
                        sum(job.phase IN ('queued', 'running', 'unknown'))
                    FROM job WHERE \(conditions.joined(separator: " AND "))
                    GROUP BY grp ORDER BY grp
                    """,
                arguments: StatementArguments(arguments)
            ).map { GroupCounts(group: $0[0], total: $0[1], completed: $0[2], failed: $0[3], pending: $0[4]) }

            let lastStarted = try Self.syncRun(db, condition: "TRUE")
            let lastFinished = try Self.syncRun(db, condition: "finished_at IS NOT NULL")
            let lastSuccess = try Int64.fetchOne(
                db,
                sql: """
                    SELECT finished_at FROM sync_run
                    WHERE command = 'sync' AND exit_code = 0 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1
                    """)
            return StoreMetrics(
                jobsByPhase: phases, windowSeconds: windowSeconds, windowByModel: byModel,
                expiringUndownloaded: try Self.expiringUndownloadedCount(db, now: nowSeconds),
                expiredUndownloaded: expired,
                lastStartedSync: lastStarted, lastFinishedSync: lastFinished, lastSuccessfulSyncAt: lastSuccess,
                lastSyncPollErrors: try lastFinished.map { try Self.pollErrors(ofRun: $0.id, db) } ?? [],
                snapshots: try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot") ?? 0,
                polls: try Int.fetchOne(db, sql: "SELECT coalesce(sum(polls), 0) FROM job") ?? 0,
                databaseBytes: bytes)
        }
    }

    /// Bytes of the database file and its write-ahead log on disk.
    public func fileSize() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return total + (stat(file, &info) == 0 ? Int64(info.st_size) : 0)
        }
    }

    /// The newest `sync` run matching `condition`.
    private static func syncRun(_ db: Database, condition: String) throws -> StoreMetrics.Run? {
        try Row.fetchOne(
            db, sql: "SELECT id, started_at, finished_at, exit_code FROM sync_run WHERE command = 'sync' AND \(condition) ORDER BY id DESC LIMIT 1"
        ).map { StoreMetrics.Run(id: $0[0], startedAt: $0[1], finishedAt: $0[2], exitCode: $0[3]) }
    }

    /// Completed jobs whose link expires in `(now, now + 1h]` and whose video has no successful download.
    private static func expiringUndownloadedCount(_ db: Database, now: Int64) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM job
                WHERE job.phase = 'completed' AND job.expires_at > ? AND job.expires_at <= ? AND NOT \(videoDownloaded)
                """,
            arguments: [now, now + expiringSoonSeconds]) ?? 0
    }

    /// Attempts of run `runID` that recorded a poll error, per HTTP status.
    ///
    /// `snapshot.run_id` has no index, so this walks the snapshots newest first and stops at the first one of an
    /// older sync or watch: those hold the lock, so all their snapshots were written before this run began. Rows of
    /// newer runs and of `track` runs (which may overlap) are skipped. The cost is the size of the run, not of the history.
    static func pollErrors(ofRun runID: Int64, _ db: Database) throws -> [StoreMetrics.StatusCount] {
        var holdsLock: [Int64: Bool] = [:]
        var counts: [Int?: Int] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT run_id, http_status, poll_error IS NOT NULL FROM snapshot ORDER BY id DESC")
        while let row = try cursor.next() {
            guard let run: Int64 = row[0] else { continue }
            if run == runID {
                if row[2] as Bool { counts[row[1] as Int?, default: 0] += 1 }
                continue
            }
            guard run < runID else { continue }
            if holdsLock[run] == nil {
                let command = try String.fetchOne(db, sql: "SELECT command FROM sync_run WHERE id = ?", arguments: [run])
                holdsLock[run] = command.map(lockingCommands.contains) ?? false
            }
            if holdsLock[run] == true { break }
        }
        return counts.map { StoreMetrics.StatusCount(status: $0.key, count: $0.value) }
            .sorted { ($0.status ?? -1) < ($1.status ?? -1) }
    }
}
