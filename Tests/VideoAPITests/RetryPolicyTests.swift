import Foundation
import Testing
import VideoAPI

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy()
    let now = Date(timeIntervalSince1970: 1_773_300_000)

    private func decide(
        _ status: Int, headers: [(String, String)] = [], error: APIErrorInfo? = nil, attempt: Int = 0, jitter: Double = 0
    ) -> RetryDecision {
        policy.decide(attempt: attempt, outcome: .response(status: status, headers: headers, error: error), jitter: jitter, now: now)
    }

    @Test("2xx responses are done", arguments: [200, 201, 204, 299])
    func success(status: Int) {
        #expect(decide(status) == .done)
        #expect(decide(status, headers: [("x-should-retry", "true")]) == .done)
    }

    @Test("408, 409, 429 and 5xx are retried", arguments: [408, 409, 429, 500, 502, 503, 504, 520, 524])
    func retried(status: Int) {
        #expect(decide(status) == .retry(after: .milliseconds(500)))
    }

    @Test("other 4xx and 3xx are not retried", arguments: [301, 302, 304, 400, 401, 403, 404, 410, 422])
    func notRetried(status: Int) {
        #expect(decide(status) == .done)
    }

    @Test("a 503 model_not_found is not retried, other 503s are")
    func modelNotFound() {
        #expect(decide(503, error: APIErrorInfo(code: "model_not_found", message: "no available channel")) == .done)
        #expect(decide(503, error: APIErrorInfo(code: "overloaded")) == .retry(after: .milliseconds(500)))
    }

    @Test("a 500 invalid_request is not retried, other 500s are")
    func invalidRequest500() {
        #expect(decide(500, error: APIErrorInfo(code: "invalid_request", message: "field messages is required")) == .done)
        #expect(decide(500, error: APIErrorInfo(message: "boom")) == .retry(after: .milliseconds(500)))
        #expect(decide(400, error: APIErrorInfo(code: "invalid_request")) == .done)
    }

    @Test("x-should-retry overrides the status rules")
    func shouldRetryHeader() {
        #expect(decide(400, headers: [("X-Should-Retry", "true")]) == .retry(after: .milliseconds(500)))
        #expect(decide(503, headers: [("x-should-retry", "false")]) == .done)
        #expect(decide(429, headers: [("x-should-retry", "FALSE")]) == .done)
        #expect(decide(503, headers: [("x-should-retry", "true")], error: APIErrorInfo(code: "model_not_found")) == .retry(after: .milliseconds(500)))
        #expect(decide(404, headers: [("x-should-retry", "maybe")]) == .done)
    }

    @Test("retry-after-ms is preferred and may be fractional")
    func retryAfterMs() {
        #expect(decide(429, headers: [("retry-after-ms", "1500")]) == .retry(after: .milliseconds(1500)))
        #expect(decide(429, headers: [("retry-after-ms", "250.5"), ("retry-after", "9")]) == .retry(after: .microseconds(250_500)))
    }

    @Test("retry-after in seconds is honoured, integer or float")
    func retryAfterSeconds() {
        #expect(decide(503, headers: [("Retry-After", "7")]) == .retry(after: .seconds(7)))
        #expect(decide(503, headers: [("retry-after", "2.5")]) == .retry(after: .milliseconds(2500)))
        #expect(decide(503, headers: [("retry-after", "120")]) == .retry(after: .seconds(120)))
    }

    @Test("retry-after as an HTTP date counts from now")
    func retryAfterDate() {
        // now is 2026-03-12T07:20:00Z; the header asks for 07:20:30 GMT.
        #expect(decide(429, headers: [("retry-after", "Thu, 12 Mar 2026 07:20:30 GMT")]) == .retry(after: .seconds(30)))
    }

    @Test("unusable retry hints fall back to backoff")
    func unusableHints() {
        let backoff = RetryDecision.retry(after: .milliseconds(500))
        #expect(decide(429, headers: [("retry-after", "0")]) == backoff)
        #expect(decide(429, headers: [("retry-after", "-3")]) == backoff)
        #expect(decide(429, headers: [("retry-after", "soon")]) == backoff)
        #expect(decide(429, headers: [("retry-after", "Thu, 12 Mar 2026 07:19:00 GMT")]) == backoff)  // in the past
        #expect(decide(429, headers: [("retry-after-ms", "0"), ("retry-after", "3")]) == .retry(after: .seconds(3)))
    }

    @Test("a server asking for more than 120 s is not retried")
    func tooLongRetryAfter() {
        #expect(decide(429, headers: [("retry-after", "300")]) == .giveUp(reason: "server asked to wait 300 s (more than 120 s)"))
        #expect(decide(503, headers: [("retry-after-ms", "120001")]) == .giveUp(reason: "server asked to wait 120.001 s (more than 120 s)"))
    }

    @Test("backoff doubles from 0.5 s with jitter taking off up to a quarter")
    func backoffValues() {
        #expect(decide(503, attempt: 0, jitter: 0) == .retry(after: .milliseconds(500)))
        #expect(decide(503, attempt: 1, jitter: 0) == .retry(after: .seconds(1)))
        let wide = RetryPolicy(maxRetries: 10)
        #expect(wide.decide(attempt: 2, outcome: .transportFailure(.timedOut), jitter: 0, now: now) == .retry(after: .seconds(2)))
        for (attempt, base) in [(0, 0.5), (1, 1.0), (2, 2.0)] {
            guard case .retry(let delay) = wide.decide(attempt: attempt, outcome: .transportFailure(.connectionClosed), jitter: 0.999, now: now) else {
                Issue.record("attempt \(attempt) was not retried")
                continue
            }
            #expect(abs(seconds(delay) - base * (1 - 0.25 * 0.999)) < 1e-6)
        }
    }

    @Test("backoff is capped at 8 s")
    func backoffCap() {
        #expect(RetryPolicy.backoff(attempt: 4, jitter: 0) == .seconds(8))
        #expect(RetryPolicy.backoff(attempt: 5, jitter: 0) == .seconds(8))
        #expect(RetryPolicy.backoff(attempt: 60, jitter: 0) == .seconds(8))
        #expect(RetryPolicy.backoff(attempt: 3, jitter: 0) == .seconds(4))
        #expect(RetryPolicy.backoff(attempt: 9, jitter: 0.5) == .seconds(7))
    }

    @Test("transport failures are retried until the retries are used up")
    func transportFailures() {
        #expect(policy.decide(attempt: 0, outcome: .transportFailure(.timedOut), jitter: 0, now: now) == .retry(after: .milliseconds(500)))
        #expect(policy.decide(attempt: 1, outcome: .transportFailure(.connectionRefused(host: "127.0.0.1", port: 1)), jitter: 0, now: now) == .retry(after: .seconds(1)))
        #expect(
            policy.decide(attempt: 2, outcome: .transportFailure(.timedOut), jitter: 0, now: now)
                == .giveUp(reason: "transport: timed out after 3 attempts"))
    }

    @Test("retryable responses give up once maxRetries is reached")
    func exhausted() {
        #expect(decide(503, attempt: 1) == .retry(after: .seconds(1)))
        #expect(decide(503, attempt: 2) == .giveUp(reason: "HTTP 503 after 3 attempts"))
        #expect(decide(429, headers: [("retry-after", "1")], attempt: 2) == .giveUp(reason: "HTTP 429 after 3 attempts"))
        let none = RetryPolicy(maxRetries: 0)
        #expect(none.decide(attempt: 0, outcome: .response(status: 502, headers: [], error: nil), jitter: 0, now: now) == .giveUp(reason: "HTTP 502 after 1 attempt"))
        #expect(none.decide(attempt: 0, outcome: .response(status: 404, headers: [], error: nil), jitter: 0, now: now) == .done)
    }

    @Test("the retry hint alone is readable for any status")
    func retryAfterHint() {
        #expect(RetryPolicy.retryAfter(headers: [("Retry-After-Ms", "40")], now: now) == .milliseconds(40))
        #expect(RetryPolicy.retryAfter(headers: [], now: now) == nil)
    }

    @Test("a LiteLLM gateway's llm_provider- retry hints are honoured, the plain ones first")
    func gatewayRetryHints() {
        #expect(RetryPolicy.retryAfter(headers: [("llm_provider-retry-after", "3")], now: now) == .seconds(3))
        #expect(RetryPolicy.retryAfter(headers: [("llm_provider-retry-after-ms", "250"), ("llm_provider-retry-after", "3")], now: now) == .milliseconds(250))
        #expect(RetryPolicy.retryAfter(headers: [("llm_provider-retry-after", "9"), ("retry-after", "2")], now: now) == .seconds(2))
        #expect(RetryPolicy.retryAfter(headers: [("retry-after", "soon"), ("llm_provider-retry-after", "4")], now: now) == .seconds(4))
        #expect(decide(429, headers: [("llm_provider-retry-after", "7")]) == .retry(after: .seconds(7)))
    }
}
