import JobStore

/// The columns of `export snapshots` and the `show` timeline (SPEC §5), in order.
public enum SnapshotColumns {
    public static let names = [
        "video_id", "polled_at", "http_status", "status", "progress", "error_code", "error_message",
        "completed_at", "expires_at", "request_id", "poll_error",
    ]

    /// The cells of one snapshot, in the order of `names`.
    public static func cells(_ snapshot: Snapshot) -> [Cell] {
        [
            .text(snapshot.videoID), .timestampMilliseconds(snapshot.polledAt), .optional(snapshot.httpStatus),
            .optional(snapshot.status), .optional(snapshot.progress), .optional(snapshot.errorCode),
            .optional(snapshot.errorMessage), .optionalTimestamp(snapshot.completedAt),
            .optionalTimestamp(snapshot.expiresAt), .optional(snapshot.requestID), .optional(snapshot.pollError),
        ]
    }
}
