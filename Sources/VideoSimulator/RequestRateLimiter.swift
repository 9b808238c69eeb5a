import Synchronization

/// A token bucket on API requests: `burst` tokens at start, refilled at `perMinute / 60` tokens per second of real
/// time (never the virtual clock); each request takes one or is refused.
final class RequestRateLimiter: Sendable {
    /// Requests per minute, the refill rate.
    let perMinute: Int
    /// The bucket's size: the requests that may arrive at once.
    let burst: Int
    private let state: Mutex<(tokens: Double, updated: ContinuousClock.Instant, refused: Int)>

    /// What the bucket said to one request.
    struct Decision: Sendable, Hashable {
        /// Whether the request had a token.
        var allowed: Bool
        /// Whole tokens left once it was decided.
        var remaining: Int
        /// Time until the next token; zero when one is there.
        var untilNextToken: Duration
        /// Time until the bucket is full again.
        var untilFull: Duration
    }

    /// A full bucket at `now`.
    init(perMinute: Int, burst: Int, now: ContinuousClock.Instant = .now) {
        self.perMinute = max(1, perMinute)
        self.burst = max(1, burst)
        state = Mutex((Double(max(1, burst)), now, 0))
    }

    /// Takes a token for a request arriving at `now`, or refuses it when there is none.
    func take(at now: ContinuousClock.Instant = .now) -> Decision {
        decide(at: now, taking: true)
    }

    /// What the bucket holds at `now`, without taking a token.
    func peek(at now: ContinuousClock.Instant = .now) -> Decision {
        decide(at: now, taking: false)
    }

    /// Requests refused so far.
    var refusedCount: Int {
        state.withLock { $0.refused }
    }

    private func decide(at now: ContinuousClock.Instant, taking: Bool) -> Decision {
        let rate = Double(perMinute) / 60
        let capacity = Double(burst)
        return state.withLock { state in
            let elapsed = state.updated.duration(to: now)
            if elapsed > .zero {
                state.tokens = min(capacity, state.tokens + RequestRateLimiter.seconds(elapsed) * rate)
                state.updated = now
            }
            var allowed = true
            if taking {
                // A hair of tolerance so that a token refilled to 0.9999999 by rounding still counts.
                if state.tokens >= 1 - 1e-9 {
                    state.tokens = max(0, state.tokens - 1)
                } else {
                    allowed = false
                    state.refused += 1
                }
            }
            let missing = max(0, 1 - state.tokens)
            return Decision(
                allowed: allowed,
                remaining: Int((state.tokens + 1e-9).rounded(.down)),
                untilNextToken: state.tokens >= 1 - 1e-9 ? .zero : RequestRateLimiter.duration(missing / rate),
                untilFull: RequestRateLimiter.duration(max(0, capacity - state.tokens) / rate)
            )
        }
    }

    /// The headers OpenAI sends with every answer: `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests`
    /// and `x-ratelimit-reset-requests`.
    func headers(_ decision: Decision) -> [(name: String, value: String)] {
        [
            ("x-ratelimit-limit-requests", String(perMinute)),
            ("x-ratelimit-remaining-requests", String(decision.remaining)),
            ("x-ratelimit-reset-requests", RequestRateLimiter.resetText(decision.untilFull)),
        ]
    }

    /// A wait as OpenAI writes it in `x-ratelimit-reset-requests`: `0s`, `120ms`, `1.5s`, `6m0s`, `1h0m0s`.
    static func resetText(_ duration: Duration) -> String {
        // Whole milliseconds, rounded up, from the wait to the microsecond (so 0.12 s stays 120 ms).
        let total = Int(((seconds(duration) * 1e6).rounded() / 1000).rounded(.up))
        guard total > 0 else { return "0s" }
        if total < 1000 { return "\(total)ms" }
        let hours = total / 3_600_000
        let minutes = total / 60_000 % 60
        let milliseconds = total % 60_000
        var secondsText = String(milliseconds / 1000)
        if milliseconds % 1000 != 0 {
            var fraction = String(milliseconds % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            secondsText += "." + fraction
        }
        if hours > 0 { return "\(hours)h\(minutes)m\(secondsText)s" }
        if minutes > 0 { return "\(minutes)m\(secondsText)s" }
        return "\(secondsText)s"
    }

    /// `seconds` as a duration, to the nanosecond (so that 60.00000000000001 s is a minute).
    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
