import Foundation
import JobStore
import VideoModel

extension PostgresJobDatabase {
    /// Everything `soratrack metrics` exposes, read in one transaction; `window` bounds the failure ratios
    /// (jobs created in `[now − window, now]`).
    public func metrics(now: Date, window: Duration) throws(StoreError) -> StoreMetrics {
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let windowSeconds = window.components.seconds
        let created = CreatedWindow(since: nowSeconds - windowSeconds, until: nowSeconds + 1)
        let bytes = fileSize()
        let expired = try expiredUndownloadedCount(now: now)
        return try read { session in
            var phases = Dictionary(uniqueKeysWithValues: Phase.allCases.map { ($0, 0) })
            for row in try session.query("SELECT phase, count(*) FROM job GROUP BY phase") {
                if let phase = row.text(0).flatMap(Phase.init(rawValue:)) { phases[phase] = row.int(1) ?? 0 }
            }
            let byModel = try Self.groupCounts(by: .model, window: created, session: session)
            let lastStarted = try Self.syncRun(session, condition: "TRUE")
            let lastFinished = try Self.syncRun(session, condition: "finished_at IS NOT NULL")
            let lastSuccess = try session.one(
                """
                SELECT finished_at FROM sync_run
                WHERE command = 'sync' AND exit_code = 0 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1
                """)?.int64(0)
            let expiring = try session.one(
                """
                SELECT count(*) FROM job
                WHERE job.phase = 'completed' AND job.expires_at > $1 AND job.expires_at <= $2 AND NOT \(Self.videoDownloaded)
                """, [.integer(nowSeconds), .integer(nowSeconds + JobDatabase.expiringSoonSeconds)])?.int(0) ?? 0
            return StoreMetrics(
                jobsByPhase: phases, windowSeconds: windowSeconds, windowByModel: byModel,
                expiringUndownloaded: expiring, expiredUndownloaded: expired,
                lastStartedSync: lastStarted, lastFinishedSync: lastFinished, lastSuccessfulSyncAt: lastSuccess,
                lastSyncPollErrors: try lastFinished.map { try Self.pollErrors(ofRun: $0.id, session) } ?? [],
                snapshots: try session.one("SELECT count(*) FROM snapshot")?.int(0) ?? 0,
                polls: try session.one("SELECT coalesce(sum(polls), 0)::bigint FROM job")?.int(0) ?? 0,
                databaseBytes: bytes)
        }
    }

    /// The newest `sync` run matching `condition`.
    private static func syncRun(_ session: PostgresSession, condition: String) throws -> StoreMetrics.Run? {
        try session.one(
            "SELECT id, started_at, finished_at, exit_code FROM sync_run WHERE command = 'sync' AND \(condition) ORDER BY id DESC LIMIT 1"
        ).map { StoreMetrics.Run(id: $0.int64(0) ?? 0, startedAt: $0.int64(1) ?? 0, finishedAt: $0.int64(2), exitCode: $0.int(3)) }
    }

    /// Attempts of run `runID` that recorded a poll error, per HTTP status, nil status first.
    ///
    /// The same rows as `JobDatabase`'s walk over the snapshots newest first, which stops at the first snapshot of an
    /// older run of a command holding the sync lock (`sync`, `watch`): every snapshot of run `runID` newer than that one.
    /// Both statements read the snapshots by id from the newest, so the cost is the size of the run, not of the history.
    private static func pollErrors(ofRun runID: Int64, _ session: PostgresSession) throws -> [StoreMetrics.StatusCount] {
        let boundary = try session.one(
            """
            SELECT snapshot.id FROM snapshot JOIN sync_run ON sync_run.id = snapshot.run_id
            WHERE snapshot.run_id < $1 AND sync_run.command IN ('sync', 'watch')
            ORDER BY snapshot.id DESC LIMIT 1
            """, [.integer(runID)])?.int64(0) ?? Int64.min
        let rows = try session.query(
            """
            SELECT http_status, count(*) FROM snapshot
            WHERE id > $1 AND run_id = $2 AND poll_error IS NOT NULL GROUP BY http_status
            """, [.integer(boundary), .integer(runID)])
        return rows.map { StoreMetrics.StatusCount(status: $0.int(0), count: $0.int(1) ?? 0) }
            .sorted { ($0.status ?? -1) < ($1.status ?? -1) }
    }
}
