import Foundation
import JobStore
import VideoModel

// The reads of `JobDatabase` in PostgreSQL's dialect, with the same rows, order and values, so that listings,
// reports and exports come out byte for byte the same on both backends. Three rules keep them equal:
// - text is grouped and sorted with `COLLATE "C"` (byte order, as SQLite's binary collation);
// - NULLs sort first in ascending and last in descending order, as in SQLite (PostgreSQL's default is the reverse);
// - sums and comparisons come back as integers (`::bigint`, `::int`), as SQLite's do.

extension PostgresJobDatabase {
    // MARK: Jobs and snapshots

    /// The latest state of each job matching `filter`, newest first.
    public func jobs(_ filter: JobFilter) throws(StoreError) -> [Job] {
        let binds = ReadBinds()
        var conditions: [String] = []
        if let status = filter.status {
            conditions.append("(phase = \(binds(.text(status))) OR coalesce(local_state, status) = \(binds(.text(status))))")
        }
        if let model = filter.model {
            conditions.append("model = \(binds(.text(model)))")
        }
        // Windows filter on the provider's created_at, as reports do: a job whose creation time is unknown is
        // outside every bounded window.
        if let since = filter.since {
            conditions.append("created_at >= \(binds(.integer(Int64(since.timeIntervalSince1970.rounded(.down)))))")
        }
        if let until = filter.until {
            conditions.append("created_at < \(binds(.integer(Int64(until.timeIntervalSince1970.rounded(.up)))))")
        }
        var sql = "SELECT \(Self.jobColumns) FROM job"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // first_seen_at is never NULL, so the key never is.
        sql += " ORDER BY coalesce(created_at, first_seen_at / 1000) DESC, id DESC"
        // SQLite reads a negative LIMIT as no limit; PostgreSQL refuses one.
        if let limit = filter.limit, limit >= 0 {
            sql += " LIMIT \(binds(.integer(Int64(limit))))"
        }
        return try read { session in try session.query(sql, binds.values).map(Self.job(row:)) }
    }

    /// One job, or nil when it is not in the database.
    public func job(_ id: VideoID) throws(StoreError) -> Job? {
        try read { session in
            try session.one("SELECT \(Self.jobColumns) FROM job WHERE video_id = $1", [.text(id.rawValue)]).map(Self.job(row:))
        }
    }

    /// Every snapshot of one job, oldest first.
    public func snapshots(of id: VideoID) throws(StoreError) -> [Snapshot] {
        try read { session in
            try session.query(
                """
                SELECT \(Self.snapshotColumns), body.content FROM snapshot
                JOIN job ON job.id = snapshot.job_id
                LEFT JOIN body ON body.id = snapshot.body_id
                WHERE job.video_id = $1 ORDER BY snapshot.polled_at, snapshot.id
                """, [.text(id.rawValue)]
            ).map { Self.snapshot(row: $0, body: $0.bytes(13)) }
        }
    }

    /// Every request id recorded, with how many snapshots carry it (tests compare this with the server's log).
    public func recordedRequestIDs() throws(StoreError) -> [String: Int] {
        try read { session in
            var counts: [String: Int] = [:]
            let rows = try session.query("SELECT request_id, count(*) FROM snapshot WHERE request_id IS NOT NULL GROUP BY request_id")
            for row in rows {
                if let id = row.text(0) { counts[id, default: 0] += row.int(1) ?? 0 }
            }
            return counts
        }
    }

    // MARK: Downloads

    /// The download state of each of `ids` for `variant`, in the order given; an id not in the database refuses the
    /// whole batch (``StoreError/unknownJob(_:)`` naming the first such id).
    public func downloadTargets(_ ids: [VideoID], variant: ContentVariant) throws(StoreError) -> [DownloadTarget] {
        let sql = "\(Self.targetSelection) WHERE job.video_id = $3"
        let targets = try read { session in
            try ids.map { id in
                try session.one(sql, [.text(variant.rawValue), .text(variant.rawValue), .text(id.rawValue)])
                    .map { Self.target(row: $0, id: id) }
            }
        }
        if let missing = zip(ids, targets).first(where: { $0.1 == nil }) { throw .unknownJob(missing.0.rawValue) }
        return targets.compactMap { $0 }
    }

    /// Completed jobs whose content has not expired at `now` (unix seconds), oldest completion first, with their
    /// download state for `variant`: what `sync --download-dir` considers. A job whose provider never sent
    /// `expires_at` counts for `JobDatabase.undatedContentLifetime` after its completion.
    public func downloadCandidates(variant: ContentVariant, now: Int64) throws(StoreError) -> [DownloadTarget] {
        let sql = """
            \(Self.targetSelection)
            WHERE job.phase = 'completed' AND (job.expires_at > $3
                OR (job.expires_at IS NULL AND coalesce(job.completed_at, job.created_at, job.first_seen_at / 1000) > $4))
            ORDER BY coalesce(job.completed_at, job.created_at) NULLS FIRST, job.id
            """
        let binds: [HistoryValue] = [
            .text(variant.rawValue), .text(variant.rawValue), .integer(now), .integer(now - JobDatabase.undatedContentLifetime),
        ]
        return try read { session in
            try session.query(sql, binds).compactMap { row in
                row.text(0).flatMap { try? VideoID(validating: $0) }.map { Self.target(row: row, id: $0) }
            }
        }
    }

    /// Every download attempt of one job, oldest first.
    public func downloads(of id: VideoID) throws(StoreError) -> [DownloadRecord] {
        try read { session in
            try session.query(
                """
                SELECT job.video_id, download.variant, download.attempted_at, download.finished_at, download.http_status,
                    download.request_id, download.content_type, download.ok, download.path, download.bytes,
                    download.sha256, download.error, body.content
                FROM download
                JOIN job ON job.id = download.job_id
                LEFT JOIN body ON body.id = download.body_id
                WHERE job.video_id = $1 ORDER BY download.attempted_at, download.id
                """, [.text(id.rawValue)]
            ).map(Self.downloadRecord(row:))
        }
    }

    /// Completed jobs whose content expired at or before `now` with no successful video download, in the whole history.
    public func expiredUndownloadedCount(now: Date) throws(StoreError) -> Int {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return try read { session in
            try session.one(
                """
                SELECT count(*) FROM job
                WHERE job.phase = 'completed' AND job.expires_at IS NOT NULL AND job.expires_at <= $1
                    AND NOT \(Self.videoDownloaded)
                """, [.integer(seconds)]
            )?.int(0) ?? 0
        }
    }

    // MARK: SQL shared by the reads

    /// Whether the video of the job in the current row has a successful download (a boolean SQL expression).
    static let videoDownloaded = """
        EXISTS (SELECT 1 FROM download WHERE download.job_id = job.id AND download.variant = 'video' AND download.ok = 1)
        """

    /// When the job in the current row last had its video downloaded, unix milliseconds, or NULL (an SQL expression).
    static let videoDownloadedAt = """
        (SELECT max(download.finished_at) FROM download
         WHERE download.job_id = job.id AND download.variant = 'video' AND download.ok = 1)
        """

    /// The columns `job(row:)` reads, by position.
    static let jobColumns = """
        job.video_id, job.status, job.local_state, job.phase, job.model, job.size, job.seconds, job.progress,
        job.prompt, job.created_at, job.completed_at, job.expires_at, job.error_code, job.error_message,
        job.remixed_from_video_id, job.label, job.tracking, job.first_seen_at, job.last_polled_at, job.polls,
        job.consecutive_404s, \(videoDownloadedAt)
        """

    /// The columns `snapshot(row:body:)` reads, by position (the body, when wanted, comes after them).
    static let snapshotColumns = """
        job.video_id, snapshot.polled_at, snapshot.attempt, snapshot.http_status, snapshot.status,
        snapshot.progress, snapshot.error_code, snapshot.error_message, snapshot.completed_at,
        snapshot.expires_at, snapshot.request_id, snapshot.poll_error, snapshot.run_id
        """

    /// The columns `target(row:id:)` reads; binds the variant as `$1` and `$2`.
    private static let targetSelection = """
        SELECT job.video_id, job.phase, job.expires_at, ok.path, ok.bytes, ok.sha256, ok.finished_at,
            (SELECT CASE WHEN last.ok = 0 THEN last.http_status END FROM download AS last
             WHERE last.job_id = job.id AND last.variant = $1 ORDER BY last.attempted_at DESC, last.id DESC LIMIT 1),
            (SELECT body.content FROM snapshot JOIN body ON body.id = snapshot.body_id
             WHERE snapshot.job_id = job.id AND snapshot.http_status BETWEEN 200 AND 299 AND snapshot.poll_error IS NULL
             ORDER BY snapshot.polled_at DESC, snapshot.id DESC LIMIT 1)
        FROM job
        LEFT JOIN download AS ok ON ok.id = (
            SELECT id FROM download WHERE download.job_id = job.id AND download.variant = $2 AND download.ok = 1
            ORDER BY download.finished_at DESC NULLS LAST, download.id DESC LIMIT 1)
        """

    // MARK: Rows into values

    /// A job from a row of `jobColumns`, read by position.
    static func job(row: PostgresRecord) -> Job {
        let phase = Phase(rawValue: row.text(3) ?? "unknown") ?? .unknown
                return Job(
            videoID: row.text(0) ?? "", providerStatus: row.text(1), localState: row.text(2), phase: phase,
            model: row.text(4), size: row.text(5), seconds: row.text(6), progress: row.int(7), prompt: row.text(8),
            createdAt: row.int64(9), completedAt: row.int64(10), expiresAt: row.int64(11), errorCode: row.text(12),
            errorMessage: row.text(13), remixedFromVideoID: row.text(14), label: row.text(15),
            tracking: (row.int64(16) ?? 0) != 0, firstSeenAt: row.int64(17) ?? 0, lastPolledAt: row.int64(18),
            polls: row.int(19) ?? 0, consecutive404s: row.int(20) ?? 0, downloadedAt: row.int64(21))
            }

    /// A snapshot from a row of `snapshotColumns`, with `body` (nil for exports, which leave bodies out).
    static func snapshot(row: PostgresRecord, body: Data?) -> Snapshot {
                return Snapshot(
            videoID: row.text(0) ?? "", polledAt: row.int64(1) ?? 0, attempt: row.int(2) ?? 0, httpStatus: row.int(3),
            status: row.text(4), progress: row.int(5), errorCode: row.text(6), errorMessage: row.text(7),
            completedAt: row.int64(8), expiresAt: row.int64(9), requestID: row.text(10), pollError: row.text(11),
            runID: row.int64(12), body: body)
            }

    /// A download attempt from a row of the `downloads(of:)` query, read by position.
    private static func downloadRecord(row: PostgresRecord) -> DownloadRecord {
        let variant = row.text(1).flatMap(ContentVariant.init(rawValue:)) ?? .video
                return DownloadRecord(
            videoID: row.text(0) ?? "", variant: variant, attemptedAt: row.int64(2) ?? 0, finishedAt: row.int64(3),
            httpStatus: row.int(4), requestID: row.text(5), contentType: row.text(6), ok: (row.int64(7) ?? 0) != 0,
            path: row.text(8), bytes: row.int64(9), sha256: row.text(10), error: row.text(11), body: row.bytes(12))
            }

    private static func target(row: PostgresRecord, id: VideoID) -> DownloadTarget {
        DownloadTarget(
            videoID: id,
            phase: Phase(rawValue: row.text(1) ?? "unknown") ?? .unknown,
            expiresAt: row.int64(2),
            lastSuccess: row.text(3).map {
                DownloadTarget.Saved(path: $0, bytes: row.int64(4) ?? 0, sha256: row.text(5) ?? "", finishedAt: row.int64(6) ?? 0)
            },
            lastFailedStatus: row.int(7),
            fileURL: row.bytes(8).flatMap { try? Video.decode(from: $0) }?.fileURL)
    }

    // MARK: Streaming

    /// Streams the rows of `sql` through a cursor in one read-only transaction of its own (never inside `read`).
    ///
    /// Errors of `body` come out unchanged; database errors come out as ``StoreError``.
    func streamRows(_ sql: String, _ binds: [HistoryValue], _ body: (PostgresRecord) throws -> Void) throws {
        var failure: (any Error)?
        do {
            try session.stream(sql, binds) { row in
                do {
                    try body(row)
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            if let failure { throw failure }
            throw storeFailure(error)
        }
    }
}

/// Numbered placeholders (`$1`, `$2`, …) and the values they bind, in the order the SQL text uses them.
final class ReadBinds {
    private(set) var values: [HistoryValue] = []

    /// Adds `value` and returns its placeholder.
    func callAsFunction(_ value: HistoryValue) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}

extension CreatedWindow {
    /// Conditions on `job.created_at` (`≥ since`, `< until`), their values added to `binds`.
    func postgresConditions(_ binds: ReadBinds) -> [String] {
        var sql: [String] = []
        if let since { sql.append("job.created_at >= \(binds(.integer(since)))") }
        if let until { sql.append("job.created_at < \(binds(.integer(until)))") }
        return sql
    }
}

extension JobGrouping {
    /// The group name as an SQL expression (null or empty values group as `unknown`), in byte order (`COLLATE "C"`).
    var postgresSQL: String {
        let name =
            switch self {
            case .none: "'all'"
            case .model: "coalesce(nullif(job.model, ''), 'unknown')"
            case .size: "coalesce(nullif(job.size, ''), 'unknown')"
            case .seconds: "coalesce(nullif(job.seconds, ''), 'unknown')"
            case .day: "coalesce(\(Self.utcDate("job.created_at")), 'unknown')"
            case .errorCode: "coalesce(nullif(job.error_code, ''), 'unknown')"
            }
        return "(\(name)) COLLATE \"C\""
    }

    /// SQLite's `date(x, 'unixepoch')`: `YYYY-MM-DD` of the unix seconds `x` in UTC, with astronomical years (0000,
    /// -0001, … before year 1) from -4713-11-24 to 9999-12-31, and NULL outside that range or for NULL.
    private static func utcDate(_ seconds: String) -> String {
        let day = "(to_timestamp(\(seconds)) AT TIME ZONE 'UTC')"
        // PostgreSQL counts 1 BC, 2 BC, … (extract gives -1, -2, …) where SQLite counts 0, -1, ….
        let yearBeforeOne = "(extract(year FROM \(day))::int + 1)"
        return """
            CASE WHEN \(seconds) BETWEEN -62135596800 AND 253402300799 THEN to_char(\(day), 'YYYY-MM-DD') \
            WHEN \(seconds) BETWEEN -210866760000 AND -62135596801 THEN \
            (CASE WHEN \(yearBeforeOne) = 0 THEN '0000' ELSE '-' || lpad((-\(yearBeforeOne))::text, 4, '0') END) \
            || to_char(\(day), '-MM-DD') END
            """
    }
}
