import JobStore

/// The columns of `export snapshots` and the `show` timeline (docs/reports.md, Output columns), in order.
public enum SnapshotColumns {
    public static let names = [
        "video_id", "polled_at", "http_status", "status", "progress", "error_code", "error_message",
        "completed_at", "expires_at", "request_id", "poll_error",
    ]

    /// The cells of one snapshot, in the order of `names`.
    public static func cells(_ snapshot: Snapshot) -> [Cell] {
        var cells = [Cell](repeating: .null, count: names.count)
        fill(&cells, with: snapshot)
        return cells
    }

    /// Overwrites `cells` (of `names.count` elements) with those of `snapshot`: exports reuse one array for every row.
    @inline(__always)
    public static func fill(_ cells: inout [Cell], with snapshot: Snapshot) {
        cells[0] = .text(snapshot.videoID)
        cells[1] = .timestampMilliseconds(snapshot.polledAt)
        cells[2] = .optional(snapshot.httpStatus)
        cells[3] = .optional(snapshot.status)
        cells[4] = .optional(snapshot.progress)
        cells[5] = .optional(snapshot.errorCode)
        cells[6] = .optional(snapshot.errorMessage)
        cells[7] = .optionalTimestamp(snapshot.completedAt)
        cells[8] = .optionalTimestamp(snapshot.expiresAt)
        cells[9] = .optional(snapshot.requestID)
        cells[10] = .optional(snapshot.pollError)
    }
}
