import VideoAPI

/// Decides when a run stops starting requests because the API is plainly down.
///
/// It counts attempts in the order they are recorded: an attempt that got no HTTP response, or a transient 5xx
/// (502 from a gateway, 503, 504, a proxy's error page), extends the streak; any other answer (2xx, 4xx, 429, a
/// permanent 5xx such as `model_not_found`) ends it. When the streak reaches `threshold` the breaker opens, once,
/// and stays open for the rest of the run. With the threshold at the concurrency, the first round of requests
/// failing together is enough; a single job that fails all its retries is not (the threshold is at least two jobs'
/// worth of attempts).
struct CircuitBreaker: Sendable {
    /// Failed attempts in a row that open the breaker.
    let threshold: Int
    /// Failed attempts since the last answer.
    private(set) var streak = 0
    /// How many of the streak got an HTTP answer (a 5xx) rather than none.
    private(set) var answeredInStreak = 0
    /// Why the breaker opened; nil while it is closed.
    private(set) var opened: RunStop?

    /// A breaker for a run with `concurrency` requests in flight and `retries` retries per job: it opens after
    /// `max(concurrency, 2 × (retries + 1), 3)` failures in a row.
    init(concurrency: Int, retries: Int) {
        threshold = max(concurrency, 2 * (max(0, retries) + 1), 3)
    }

    /// A breaker that opens after exactly `threshold` failures in a row.
    init(threshold: Int) {
        self.threshold = max(1, threshold)
    }

    /// Counts one recorded attempt; returns the reason to stop when this attempt opened the breaker.
    mutating func observe(_ attempt: PollAttempt) -> RunStop? {
        guard opened == nil else { return nil }
        switch Self.kind(of: attempt) {
        case .healthy:
            streak = 0
            answeredInStreak = 0
            return nil
        case .noResponse:
            streak += 1
        case .serverFailure:
            streak += 1
            answeredInStreak += 1
        }
        guard streak >= threshold else { return nil }
        let reason = attempt.pollError ?? "no response"
        let stop: RunStop = answeredInStreak == 0
            ? .unreachable(failedInARow: streak, lastError: reason)
            : .providerFailing(failedInARow: streak, lastError: reason)
        opened = stop
        return stop
    }

    private enum Kind { case healthy, noResponse, serverFailure }

    private static func kind(of attempt: PollAttempt) -> Kind {
        guard let status = attempt.httpStatus else { return .noResponse }
        guard (500..<600).contains(status) else { return .healthy }
        // A 5xx the retry policy calls permanent (model_not_found, invalid_request) is the provider answering about one job.
        let transient = RetryPolicy.isRetryable(status: status, headers: [], error: attempt.apiError)
        return transient ? .serverFailure : .healthy
    }
}

/// Why a run stopped starting requests before it had polled every job it set out to poll.
public enum RunStop: Sendable, Equatable {
    /// Attempts in a row got no HTTP response at all (refused, timed out, cut): the API cannot be reached.
    case unreachable(failedInARow: Int, lastError: String)
    /// Attempts in a row failed with a transient 5xx (a gateway's 502, 503, 504, or its error page) or no response, at
    /// least one of them an answer: the provider is up but failing.
    case providerFailing(failedInARow: Int, lastError: String)
    /// The API answered 429 and asked to wait longer than the run may wait (past `--max-duration`, or more than the
    /// longest honoured wait).
    case rateLimited(wait: Duration, lastError: String)

    /// The error of the attempt that made the run stop.
    public var lastError: String {
        switch self {
        case .unreachable(_, let error), .providerFailing(_, let error), .rateLimited(_, let error): error
        }
    }
}
