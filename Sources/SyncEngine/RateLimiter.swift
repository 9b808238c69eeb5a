import Foundation
import Synchronization
import VideoAPI

/// One request budget for a whole run, shared by every worker (polls, retries, downloads).
///
/// It paces requests by what it knows, all of it optional:
/// - `--max-rpm N`: at least `60/N` seconds between two requests;
/// - the API's `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests` and `x-ratelimit-reset-requests`
///   (also behind a LiteLLM gateway, `llm_provider-` prefixed): a mirror of the API's token bucket, refilled at the
///   limit per minute (or whole again at the reset when no limit is sent), never granting a request the API would
///   have no token for;
/// - a 429: every worker waits until its `retry-after` (else the reset, else 1 s, 2 s, 4 s … up to 30 s when 429s
///   follow one another), and while no rate is known the requests after the pause go one per pause length until an
///   answer that is not a 429.
///
/// The first request of a run goes alone: the others wait for its answer (at most `firstAnswerWait`, 250 ms by
/// default), so that what it says about the budget paces them, and a budget a previous run used up costs one 429,
/// not a round of them. The wait is kept shorter than the first retry's backoff (at least 375 ms), so that against
/// an API that never answers, the first round has failed, and the run stopped, before any retry goes out.
/// Beyond that, with nothing known, every request goes at once. Times come from the injected clock.
public final class RateLimiter: Sendable {
    /// The user's ceiling, requests per minute; nil: none.
    public let maxRequestsPerMinute: Int?
    private let clock: APIClock
    private let state = Mutex(State())

    /// How long the other requests wait for the answer to the first one.
    public let firstAnswerWait: Double

    private struct State {
        var lastGrant: Date?
        /// When the first request went, and whether its answer (or failure) is still awaited.
        var firstGrant: Date?
        var awaitingFirstAnswer = true
        var inFlight = 0
        /// Requests per minute the API allows, as it last said.
        var limit: Int?
        /// The API's remaining requests at `tokensAt` less the requests granted since; nil: unknown.
        var tokens: Double?
        var tokensAt = Date.distantPast
        /// The most remaining requests the API ever reported: its bucket holds about one more.
        var highestRemaining = 0
        /// When the API said its budget is whole again (used when it sends no limit).
        var resetAt: Date?
        var pausedUntil: Date?
        /// 429 answers in a row, and the wait the last one asked for.
        var rateLimitedInARow = 0
        var lastPause: Double = 0
        var pauses = 0
        var answered429 = 0
    }

    /// A limiter with an optional ceiling of `maxRequestsPerMinute`, timed by `clock`; the requests after the first
    /// wait up to `firstAnswerWait` for its answer.
    public init(maxRequestsPerMinute: Int? = nil, firstAnswerWait: Duration = .milliseconds(250), clock: APIClock = .live) {
        self.maxRequestsPerMinute = maxRequestsPerMinute.map { max(1, $0) }
        self.firstAnswerWait = Double(firstAnswerWait.components.seconds) + Double(firstAnswerWait.components.attoseconds) / 1e18
        self.clock = clock
    }

    /// The limiter as a client's pacer.
    public var pacer: RequestPacer {
        RequestPacer(
            admit: { [self] notBefore, deadline in await acquire(notBefore: notBefore, deadline: deadline) },
            answered: { [self] status, headers, at in answered(status: status, headers: headers, at: at) })
    }

    /// 429 answers seen so far, and how many of them paused the run.
    public var rateLimitedAnswers: Int { state.withLock { $0.answered429 } }

    /// Waits until a request may go, no sooner than `notBefore`; false, at once, when the earliest slot is after
    /// `deadline`, or when the task is cancelled while it waits.
    public func acquire(notBefore: Date? = nil, deadline: Date? = nil) async -> Bool {
        while true {
            let now = clock.now()
            if let deadline, now > deadline { return false }
            let (slot, awaitingFirst) = state.withLock { state -> (Date?, Bool) in
                var slot = Self.earliest(&state, now: now, notBefore: notBefore, ceiling: maxRequestsPerMinute)
                if state.awaitingFirstAnswer, let first = state.firstGrant {
                    slot = max(slot, first.addingTimeInterval(firstAnswerWait))
                }
                // Within a millisecond counts as now: sleeps are rounded to the microsecond.
                guard slot.timeIntervalSince(now) > 0.001 else {
                    Self.grant(&state, at: now)
                    return (nil, false)
                }
                return (slot, state.awaitingFirstAnswer && state.firstGrant != nil)
            }
            guard let slot else { return true }
            if let deadline, slot > deadline, !awaitingFirst { return false }  // the first answer may still bring it closer
            // While the first answer is awaited, look again every 20 ms: it usually comes well before the wait ends.
            let wait = awaitingFirst ? min(slot.timeIntervalSince(now), 0.02) : slot.timeIntervalSince(now)
            do {
                try await clock.sleep(.microseconds(Int64((wait * 1_000_000).rounded(.up))))
            } catch {
                return false
            }
            if Task.isCancelled { return false }
        }
    }

    /// Learns from the end of a granted request: its status (nil: no response) and header fields at `at`.
    public func answered(status: Int?, headers: [(String, String)], at: Date) {
        state.withLock { state in
            state.inFlight = max(0, state.inFlight - 1)
            state.awaitingFirstAnswer = false
            guard let status else { return }
            let limit = Self.header("x-ratelimit-limit-requests", in: headers).flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
            let remaining = Self.header("x-ratelimit-remaining-requests", in: headers).flatMap { Int($0) }
            let reset = Self.header("x-ratelimit-reset-requests", in: headers).flatMap(Self.seconds(resetText:))
            if let limit { state.limit = limit }
            if let reset { state.resetAt = at.addingTimeInterval(reset) }
            if let remaining {
                state.highestRemaining = max(state.highestRemaining, remaining)
                // The requests still in flight were granted after the API counted this one.
                let reported = Double(remaining) - Double(state.inFlight)
                // Answers are handled in whatever order they arrive: one counted before a later-counted one reports
                // more than is left. While the bucket can only refill at its rate, or not before its reset, the
                // lower count is the true one.
                let bound = state.limit != nil || state.resetAt.map { $0 > at } ?? false
                let known = bound ? Self.refilled(state, at: at) : nil
                state.tokens = known.map { min($0, reported) } ?? reported
                state.tokensAt = max(at, state.tokensAt)
            }
            guard status == 429 else {
                state.rateLimitedInARow = 0
                return
            }
            state.answered429 += 1
            state.rateLimitedInARow += 1
            let hint = RetryPolicy.retryAfter(headers: headers, now: at).map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
            let backoff = min(30, Double(1 << min(state.rateLimitedInARow - 1, 5)))
            let pause = hint ?? (remaining == 0 ? reset : nil) ?? backoff
            let until = at.addingTimeInterval(pause)
            if state.pausedUntil.map({ until > $0 }) ?? true {
                state.pausedUntil = until
                state.pauses += 1
            }
            state.lastPause = pause
            if state.tokens.map({ $0 > 0 }) ?? false { state.tokens = 0 }
        }
    }

    /// The earliest time the next request may go.
    private static func earliest(_ state: inout State, now: Date, notBefore: Date?, ceiling: Int?) -> Date {
        var slot = max(now, notBefore ?? now)
        if let paused = state.pausedUntil { slot = max(slot, paused) }
        if let ceiling, let last = state.lastGrant { slot = max(slot, last.addingTimeInterval(60 / Double(ceiling))) }
        let rate = state.limit.map { Double($0) / 60 }
        if rate == nil, state.rateLimitedInARow > 0, let last = state.lastGrant {
            // Rate unknown after a 429: one request per pause until the API answers without one.
            slot = max(slot, last.addingTimeInterval(state.lastPause))
        }
        if let reset = state.resetAt, rate == nil, state.tokens != nil, slot >= reset {
            state.tokens = nil  // the API's budget is whole again: unknown until its next answer
            state.resetAt = nil
        }
        guard let tokens = state.tokens else { return slot }
        if let rate {
            let capacity = Double(state.limit.map { min($0, state.highestRemaining + 1) } ?? 1)
            let available = min(max(capacity, 1), tokens + rate * max(0, slot.timeIntervalSince(state.tokensAt)))
            if available < 1 {
                // The API's bucket gives its next token then; 2 ms later, so that rounding never makes it early.
                slot = max(slot, state.tokensAt.addingTimeInterval((1 - tokens) / rate + 0.002))
            }
        } else if tokens < 1, let reset = state.resetAt {
            slot = max(slot, reset.addingTimeInterval(0.002))
        }
        return slot
    }

    private static func grant(_ state: inout State, at now: Date) {
        state.lastGrant = now
        if state.firstGrant == nil { state.firstGrant = now }
        state.inFlight += 1
        guard let tokens = refilled(state, at: now) else { return }
        state.tokens = tokens - 1
        if state.limit != nil { state.tokensAt = now }
    }

    /// The tokens the API's bucket holds at `time` by the limiter's count: refilled at the limit per minute up to the
    /// bucket's size when the limit is known; nil when unknown.
    private static func refilled(_ state: State, at time: Date) -> Double? {
        guard let tokens = state.tokens else { return nil }
        guard let limit = state.limit else { return tokens }
        let capacity = Double(max(1, min(limit, state.highestRemaining + 1)))
        return min(capacity, tokens + Double(limit) / 60 * max(0, time.timeIntervalSince(state.tokensAt)))
    }

    /// The first value of `name`, else of `llm_provider-name` (a LiteLLM gateway passing on its upstream's).
    private static func header(_ name: String, in headers: [(String, String)]) -> String? {
        for candidate in [name, "llm_provider-" + name] {
            for (field, value) in headers where field.lowercased() == candidate {
                return value.trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Seconds in `x-ratelimit-reset-requests` as OpenAI writes it (`20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3.5s`), or a bare
    /// number of seconds; nil when unreadable or negative.
    public static func seconds(resetText text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let plain = Double(text) { return plain.isFinite && plain >= 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            guard let value = Double(number) else { return nil }
            let rest = text[index...]
            let (scale, length): (Double, Int) =
                rest.hasPrefix("ms") ? (0.001, 2) : rest.hasPrefix("h") ? (3600, 1) : rest.hasPrefix("m") ? (60, 1)
                : rest.hasPrefix("s") ? (1, 1) : (0, 0)
            guard length > 0 else { return nil }
            total += value * scale
            number = ""
            sawUnit = true
            index = text.index(index, offsetBy: length)
        }
        guard sawUnit, number.isEmpty, total.isFinite else { return nil }
        return total
    }
}
