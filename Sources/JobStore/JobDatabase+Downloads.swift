import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// A job that never sent `expires_at` is offered to `sync --download-dir` for this long after it completed.
    public static let undatedContentLifetime: Int64 = 24 * 3600

    /// Records one download attempt (ok or failed, with the error body when one came), in one transaction.
    public func recordDownload(_ attempt: DownloadAttempt) throws(StoreError) {
        try write { db in
            guard let jobID = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM job WHERE video_id = ?"), arguments: [attempt.videoID.rawValue])
            else {
                throw StoreError.unknownJob(attempt.videoID.rawValue)
            }
            let bodyID = try attempt.body.map { try Self.storeBody($0, db: db) }
            try db.cachedStatement(
                sql: """
                    INSERT INTO download (job_id, variant, attempted_at, finished_at, http_status, request_id, content_type,
                        ok, path, bytes, sha256, error, body_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                jobID, attempt.variant.rawValue, Timestamp.milliseconds(attempt.startedAt),
                Timestamp.milliseconds(attempt.finishedAt), attempt.httpStatus, attempt.requestID, attempt.contentType,
                attempt.ok, attempt.file?.path, attempt.file?.bytes, attempt.file?.sha256,
                attempt.ok ? nil : (attempt.error ?? "failed"), bodyID,
            ])
        }
    }

    /// The download state of each of `ids` for `variant`, in the order given; an id not in the database refuses the
    /// whole batch (``StoreError/unknownJob(_:)`` naming the first such id).
    public func downloadTargets(_ ids: [VideoID], variant: ContentVariant) throws(StoreError) -> [DownloadTarget] {
        let targets = try read { db in
            try ids.map { id in
                try Row.fetchOne(
                    db.cachedStatement(sql: "\(Self.targetSelection) WHERE job.video_id = ?"),
                    arguments: [variant.rawValue, variant.rawValue, id.rawValue]
                ).map { Self.target(row: $0, id: id) }
            }
        }
        if let missing = zip(ids, targets).first(where: { $0.1 == nil }) { throw .unknownJob(missing.0.rawValue) }
        return targets.compactMap { $0 }
    }

    /// Completed jobs whose content has not expired at `now` (unix seconds), oldest completion first, with their
    /// download state for `variant`: what `sync --download-dir` considers. A job whose provider never sent
    /// `expires_at` counts for ``undatedContentLifetime`` after its completion.
    public func downloadCandidates(variant: ContentVariant, now: Int64) throws(StoreError) -> [DownloadTarget] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        \(Self.targetSelection)
                        WHERE job.phase = 'completed' AND (job.expires_at > ?
                            OR (job.expires_at IS NULL AND coalesce(job.completed_at, job.created_at, job.first_seen_at / 1000) > ?))
                        ORDER BY coalesce(job.completed_at, job.created_at), job.id
                        """),
                arguments: [variant.rawValue, variant.rawValue, now, now - Self.undatedContentLifetime]
            ).compactMap { row in (try? VideoID(validating: row[0])).map { Self.target(row: row, id: $0) } }
        }
    }

    /// Every download attempt of one job, oldest first.
    public func downloads(of id: VideoID) throws(StoreError) -> [DownloadRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(DownloadRecord.selection) FROM download
                    JOIN job ON job.id = download.job_id
                    LEFT JOIN body ON body.id = download.body_id
                    WHERE job.video_id = ? ORDER BY download.attempted_at, download.id
                    """,
                arguments: [id.rawValue]
            ).map(DownloadRecord.init(row:))
        }
    }

    /// Completed jobs whose content expired at or before `now` with no successful video download, in the whole history.
    public func expiredUndownloadedCount(now: Date) throws(StoreError) -> Int {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM job
                    WHERE job.phase = 'completed' AND job.expires_at IS NOT NULL AND job.expires_at <= ?
                        AND NOT \(Self.videoDownloaded)
                    """,
                arguments: [seconds]) ?? 0
        }
    }

    /// Per group of the completed jobs in `window`: how many there are, how many have a successful video download,
    /// and how many expired at or before `now` (unix seconds) without one; groups sorted by name.
    public func lossCounts(by grouping: JobGrouping, window: CreatedWindow, now: Int64) throws(StoreError) -> [LossCounts] {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT grp, count(*), sum(downloaded), sum(NOT downloaded AND expires_at IS NOT NULL AND expires_at <= ?)
            FROM (
                SELECT \(grouping.sql) AS grp, job.expires_at AS expires_at, \(Self.videoDownloaded) AS downloaded FROM job
                WHERE job.phase = 'completed' \(conditions.map { "AND " + $0 }.joined(separator: " "))
            )
            GROUP BY grp ORDER BY grp
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments([now.databaseValue] + arguments)).map {
                LossCounts(group: $0[0], completed: $0[1], downloaded: $0[2], expiredUndownloaded: $0[3])
            }
        }
    }

    /// Whether the video of the job in the current row has a successful download (an SQL expression).
    static let videoDownloaded = """
        EXISTS (SELECT 1 FROM download WHERE download.job_id = job.id AND download.variant = 'video' AND download.ok = 1)
        """

    /// When the job in the current row last had its video downloaded, unix milliseconds, or NULL (an SQL expression).
    static let videoDownloadedAt = """
        (SELECT max(download.finished_at) FROM download
         WHERE download.job_id = job.id AND download.variant = 'video' AND download.ok = 1)
        """

    /// The columns `target(row:)` reads; takes the variant twice as its first two arguments.
    private static let targetSelection = """
        SELECT job.video_id, job.phase, job.expires_at, ok.path, ok.bytes, ok.sha256, ok.finished_at,
            (SELECT CASE WHEN last.ok = 0 THEN last.http_status END FROM download AS last
             WHERE last.job_id = job.id AND last.variant = ? ORDER BY last.attempted_at DESC, last.id DESC LIMIT 1),
            (SELECT body.content FROM snapshot JOIN body ON body.id = snapshot.body_id
             WHERE snapshot.job_id = job.id AND snapshot.http_status BETWEEN 200 AND 299 AND snapshot.poll_error IS NULL
             ORDER BY snapshot.polled_at DESC, snapshot.id DESC LIMIT 1)
        FROM job
        LEFT JOIN download AS ok ON ok.id = (
            SELECT id FROM download WHERE download.job_id = job.id AND download.variant = ? AND download.ok = 1
            ORDER BY download.finished_at DESC, download.id DESC LIMIT 1)
        """

    private static func target(row: Row, id: VideoID) -> DownloadTarget {
        let path: String? = row[3]
        return DownloadTarget(
            videoID: id,
            phase: Phase(rawValue: row[1] ?? "unknown") ?? .unknown,
            expiresAt: row[2],
            lastSuccess: path.map { DownloadTarget.Saved(path: $0, bytes: row[4], sha256: row[5], finishedAt: row[6]) },
            lastFailedStatus: row[7],
            fileURL: StoredBody.bytes(row[8]).flatMap { try? Video.decode(from: $0) }?.fileURL)
    }
}

/// How many completed jobs of one group were downloaded, and how many expired before any successful video download
/// (`report losses`).
public struct LossCounts: Sendable, Equatable {
    public var group: String
    /// Completed jobs of the group.
    public var completed: Int
    /// Completed jobs with at least one successful video download.
    public var downloaded: Int
    /// Completed jobs whose content expired (`expires_at ≤ now`) with no successful video download.
    public var expiredUndownloaded: Int

    /// Counts of one group.
    public init(group: String, completed: Int, downloaded: Int, expiredUndownloaded: Int) {
        self.group = group
        self.completed = completed
        self.downloaded = downloaded
        self.expiredUndownloaded = expiredUndownloaded
    }
}
