import Foundation
import VideoModel

/// The retry rules (docs/operations.md, Retries) as a pure function.
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt.
    public var maxRetries: Int = 2
    /// The longest server-requested wait that is honoured; a longer request means no retry.
    public var maxRetryAfter: Duration = .seconds(120)

    /// Creates a policy allowing `maxRetries` retries after the first attempt.
    public init(maxRetries: Int = 2, maxRetryAfter: Duration = .seconds(120)) {
        self.maxRetries = max(0, maxRetries)
        self.maxRetryAfter = maxRetryAfter
    }

    /// Decides what to do after attempt `attempt` (0 = first) ended with `outcome`; `jitter` in [0,1) is supplied by the caller, `now` dates a `retry-after` HTTP date.
    public func decide(attempt: Int, outcome: AttemptOutcome, jitter: Double, now: Date = Date()) -> RetryDecision {
        let failure: String
        var hint: Duration?
        switch outcome {
        case .transportFailure(let error):
            failure = "transport: \(error)"
        case .response(let status, let headers, let error):
            if (200..<300).contains(status) { return .done }
            guard Self.isRetryable(status: status, headers: headers, error: error) else { return .done }
            failure = "HTTP \(status)"
            hint = Self.retryAfter(headers: headers, now: now)
        }
        let attempts = max(0, attempt) + 1
        guard attempt < maxRetries else {
            return .giveUp(reason: "\(failure) after \(attempts) attempt\(attempts == 1 ? "" : "s")")
        }
        if let hint {
            if hint > maxRetryAfter {
                return .giveUp(
                    reason: "server asked to wait \(hint.readableSeconds) (more than \(maxRetryAfter.readableSeconds))")
            }
            return .retry(after: hint)
        }
        return .retry(after: Self.backoff(attempt: attempt, jitter: jitter))
    }

    /// Whether a non-2xx response is worth retrying: `x-should-retry` first, then 408, 409, 429 and 5xx except the known permanent ones.
    public static func isRetryable(status: Int, headers: [(String, String)], error: APIErrorInfo?) -> Bool {
        if (200..<400).contains(status) { return false }
        switch HeaderFields.value("x-should-retry", in: headers)?.lowercased() {
        case "true": return true
        case "false": return false
        default: break
        }
        if status == 503, error?.code == "model_not_found" { return false }
        if status == 500, error?.code == "invalid_request" { return false }
        return status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// The wait without a server hint: `min(0.5·2^attempt, 8) s × (1 − 0.25·jitter)`.
    public static func backoff(attempt: Int, jitter: Double) -> Duration {
        let base = min(0.5 * Double(1 << min(max(attempt, 0), 10)), 8)
        let spread = 1 - 0.25 * min(max(jitter, 0), 1)
        return .seconds(exactly: base * spread)
    }

    /// The server's retry hint: `retry-after-ms` (milliseconds), else `retry-after` (seconds or an HTTP date, relative
    /// to `now`); behind a LiteLLM gateway the same headers prefixed `llm_provider-`, which is how it passes the
    /// upstream's on. Nil when absent, unreadable or not positive.
    public static func retryAfter(headers: [(String, String)], now: Date) -> Duration? {
        for prefix in ["", "llm_provider-"] {
            if let text = HeaderFields.value(prefix + "retry-after-ms", in: headers), let millis = Double(text),
                millis.isFinite, millis > 0
            {
                return .seconds(exactly: min(millis / 1000, 1e9))
            }
            guard let text = HeaderFields.value(prefix + "retry-after", in: headers), !text.isEmpty else { continue }
            if let seconds = Double(text) {
                if seconds.isFinite, seconds > 0 { return .seconds(exactly: min(seconds, 1e9)) }
                continue
            }
            guard let date = Self.httpDate(text) else { continue }
            let seconds = date.timeIntervalSince(now)
            if seconds > 0 { return .seconds(exactly: min(seconds, 1e9)) }
        }
        return nil
    }

    /// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, also the RFC 850 and asctime forms).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// How one attempt of a request ended, as the retry policy sees it.
public enum AttemptOutcome: Sendable {
    /// A response arrived: its status, headers and parsed error body (for non-2xx).
    case response(status: Int, headers: [(String, String)], error: APIErrorInfo?)
    /// No response arrived.
    case transportFailure(TransportError)
}

/// What to do after an attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Stop: the attempt succeeded, or failed in a way retrying cannot fix.
    case done
    /// Try again after waiting this long.
    case retry(after: Duration)
    /// The failure was worth retrying but no retry is allowed; the reason says why.
    case giveUp(reason: String)
}
