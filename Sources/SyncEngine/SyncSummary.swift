import Foundation
import JobStore

/// What a sync run did, and how it should end.
public struct SyncSummary: Sendable, Equatable {
    public var counts = SyncRunCounts()
    /// Jobs ended locally as `abandoned` before polling.
    public var abandoned = 0
    /// Jobs ended locally as `not_found` (three 404s in a row).
    public var notFound = 0
    /// Jobs not polled because the run stopped early (deadline or rejected key).
    public var skipped = 0
    /// Tracked jobs still not finished after the run.
    public var stillOpen = 0
    /// The first 401/403 answer, which stopped the run.
    public var authFailure: String?
    /// The first poll error of the run, to explain a failure.
    public var firstError: String?
    /// True when `--max-duration` stopped the run from launching more requests.
    public var deadlineReached = false
    /// Elapsed wall time in seconds.
    public var elapsedSeconds = 0.0

    public init() {}

    /// True when requests were made and none got any HTTP response.
    public var unreachable: Bool { counts.attempts > 0 && counts.responses == 0 }

    /// The exit code of SPEC §6 for this run.
    public var exitCode: Int32 {
        if authFailure != nil { return 77 }
        if unreachable { return 69 }
        if counts.pollErrors > 0 { return 1 }
        return 0
    }

    /// The one summary line a run prints.
    public var line: String {
        var parts = [
            "\(counts.jobs) polled", "\(counts.completed) completed", "\(counts.failed) failed",
            "\(stillOpen) still open", "\(counts.pollErrors) errors",
        ]
        if abandoned > 0 { parts.append("\(abandoned) abandoned") }
        if notFound > 0 { parts.append("\(notFound) not found") }
        if skipped > 0 { parts.append("\(skipped) left for the next run") }
        let elapsed = String(format: "%.1f", elapsedSeconds)
        return parts.joined(separator: ", ") + " (\(counts.attempts) requests in \(elapsed)s)"
    }
}
