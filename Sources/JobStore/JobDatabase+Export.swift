import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Streams every job created in `window`, oldest first (unknown creation time first), in one read transaction.
    ///
    /// Memory stays constant whatever the number of jobs; errors of `body` come out unchanged.
    public func exportJobs(window: CreatedWindow, _ body: (Job) throws -> Void) throws {
        let (conditions, arguments) = window.conditions()
        let sql = """
            SELECT \(Job.exportSelection) FROM job
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY job.created_at, job.id
            """
        try stream(sql: sql, arguments: StatementArguments(arguments)) { row in try body(Job(exportRow: row)) }
    }

    /// Streams every snapshot of the jobs created in `window`, in the order they were recorded, without
    /// their bodies, in one read transaction (constant memory for millions of rows).
    public func exportSnapshots(window: CreatedWindow, _ body: (Snapshot) throws -> Void) throws {
        let (conditions, arguments) = window.conditions()
        // CROSS JOIN keeps snapshot as the outer loop: rows come in rowid order, streamed, never sorted.
        let sql = """
            SELECT \(Snapshot.exportSelection) FROM snapshot CROSS JOIN job ON job.id = snapshot.job_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY snapshot.id
            """
        try stream(sql: sql, arguments: StatementArguments(arguments)) { row in try body(Snapshot(exportRow: row)) }
    }
}

extension Job {
    /// The columns `init(exportRow:)` reads, by position.
    static let exportSelection = """
        job.video_id, job.status, job.local_state, job.phase, job.model, job.size, job.seconds, job.progress,
        job.prompt, job.created_at, job.completed_at, job.expires_at, job.error_code, job.error_message,
        job.remixed_from_video_id, job.label, job.tracking, job.first_seen_at, job.last_polled_at, job.polls,
        job.consecutive_404s, \(JobDatabase.videoDownloadedAt)
        """

    /// A job from a row of `exportSelection`, read by position (no column-name lookups: exports read many rows).
    init(exportRow row: Row) {
        videoID = row[0]
        providerStatus = row[1]
        localState = row[2]
        phase = Phase(rawValue: row[3] ?? "unknown") ?? .unknown
        model = row[4]
        size = row[5]
        seconds = row[6]
        progress = row[7]
        prompt = row[8]
        createdAt = row[9]
        completedAt = row[10]
        expiresAt = row[11]
        errorCode = row[12]
        errorMessage = row[13]
        remixedFromVideoID = row[14]
        label = row[15]
        tracking = row[16]
        firstSeenAt = row[17]
        lastPolledAt = row[18]
        polls = row[19]
        consecutive404s = row[20]
        downloadedAt = row[21]
    }
}

extension Snapshot {
    /// The columns `init(exportRow:)` reads, by position.
    static let exportSelection = """
        job.video_id, snapshot.polled_at, snapshot.attempt, snapshot.http_status, snapshot.status,
        snapshot.progress, snapshot.error_code, snapshot.error_message, snapshot.completed_at,
        snapshot.expires_at, snapshot.request_id, snapshot.poll_error, snapshot.run_id
        """

    /// A snapshot without its body from a row of `exportSelection`, read by position.
    init(exportRow row: Row) {
        videoID = row[0]
        polledAt = row[1]
        attempt = row[2]
        httpStatus = row[3]
        status = row[4]
        progress = row[5]
        errorCode = row[6]
        errorMessage = row[7]
        completedAt = row[8]
        expiresAt = row[9]
        requestID = row[10]
        pollError = row[11]
        runID = row[12]
        body = nil
    }
}
