import JobStore

/// The columns of `jobs` and `export jobs` (docs/reports.md, Output columns), in order.
public enum JobColumns {
    public static let names = [
        "video_id", "status", "model", "size", "seconds", "progress", "prompt", "created_at", "completed_at",
        "expires_at", "duration_s", "error_code", "error_message", "remixed_from_video_id", "label",
        "first_seen_at", "last_polled_at", "polls", "phase", "downloaded_at",
    ]

    /// The cells of one job, in the order of `names`.
    public static func cells(_ job: Job) -> [Cell] {
        [
            .text(job.videoID), .optional(job.status), .optional(job.model), .optional(job.size),
            .optional(job.seconds), .optional(job.progress), .optional(job.prompt),
            .optionalTimestamp(job.createdAt), .optionalTimestamp(job.completedAt),
            .optionalTimestamp(job.expiresAt), job.durationSeconds.map { .duration(Double($0)) } ?? .null,
            .optional(job.errorCode), .optional(job.errorMessage), .optional(job.remixedFromVideoID),
            .optional(job.label), .timestampMilliseconds(job.firstSeenAt),
            job.lastPolledAt.map(Cell.timestampMilliseconds) ?? .null, .integer(Int64(job.polls)),
            .text(job.hasUnknownStatus ? "unknown" : job.phase.rawValue),
            .optionalTimestampMilliseconds(job.downloadedAt),
        ]
    }

    /// The shorter set of columns a table shows by default (people read tables; programs take CSV/JSON).
    public static let tableNames = ["video_id", "status", "phase", "model", "size", "seconds", "progress", "created_at", "duration_s", "error_code", "label", "polls", "downloaded_at"]

    /// The cells of `tableNames` for one job.
    public static func tableCells(_ job: Job) -> [Cell] {
        let all = cells(job)
        return tableNames.map { all[names.firstIndex(of: $0)!] }
    }
}
