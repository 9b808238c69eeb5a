import Foundation
import JobStore
import VideoModel

/// What a sync run did, and how it should end.
public struct SyncSummary: Sendable, Equatable {
    public var counts = SyncRunCounts()
    /// Jobs ended locally as `abandoned` before polling.
    public var abandoned = 0
    /// Jobs ended locally as `not_found` (three 404s in a row).
    public var notFound = 0
    /// Jobs not polled because the run stopped early (deadline, rate budget, rejected key, open breaker).
    public var skipped = 0
    /// Tracked jobs still not finished after the run.
    public var stillOpen = 0
    /// The first 401/403 answer, which stopped the run.
    public var authFailure: String?
    /// The first poll error of the run, to explain a failure.
    public var firstError: String?
    /// Why the run stopped starting requests early (the API down, a long rate limit); nil when it did not.
    public var stop: RunStop?
    /// Answers that were 429 (each one paused every worker of the run for its retry-after).
    public var rateLimited = 0
    /// Jobs whose last answer was a 429 with retries left when the run ended: not errors, the next run polls them.
    public var deferred = 0
    /// True when `--max-duration` stopped the run from launching more requests.
    public var deadlineReached = false
    /// Elapsed wall time in seconds.
    public var elapsedSeconds = 0.0

    public init() {}

    /// True when requests were made and none got any HTTP response.
    public var unreachable: Bool { counts.attempts > 0 && counts.responses == 0 }

    /// How this run ends: a rejected key, the API unreachable (no answer at all, or the breaker opened on attempts
    /// without a response), partial when some polls failed or the provider is failing, else ok.
    public var exitCode: ExitStatus {
        if authFailure != nil { return .noPermission }
        switch stop {
        case .unreachable: return .unavailable
        case .providerFailing, .rateLimited: return .partial
        case nil: break
        }
        if unreachable { return .unavailable }
        if counts.pollErrors > 0 { return .partial }
        return .ok
    }

    /// The one summary line a run prints.
    public var line: String {
        var parts = [
            "\(counts.jobs) polled", "\(counts.completed) completed", "\(counts.failed) failed",
            "\(stillOpen) still open", "\(counts.pollErrors) errors",
        ]
        if abandoned > 0 { parts.append("\(abandoned) abandoned") }
        if notFound > 0 { parts.append("\(notFound) not found") }
        if rateLimited > 0 { parts.append("\(rateLimited) rate-limited") }
        if skipped + deferred > 0 { parts.append("\(skipped + deferred) left for the next run") }
        let elapsed = String(format: "%.1f", elapsedSeconds)
        return parts.joined(separator: ", ") + " (\(counts.attempts) requests in \(elapsed)s)"
    }
}
