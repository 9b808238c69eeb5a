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
