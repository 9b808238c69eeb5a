import Foundation
import Testing
@testable import VideoSimulator

@Suite("Rate limit (token bucket on real time)")
struct RateLimitTests {
    static func limited(rpm: Int, burst: Int, flavor: Flavor = .openai) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.testing(flavor: flavor)
        configuration.rateLimitRPM = rpm
        configuration.rateLimitBurst = burst
        return configuration
    }

    @Test("a burst passes, the next request gets 429 with retry-after; control endpoints are not limited")
    func bucket() async throws {
        // One token a minute: nothing refills while the test runs, however slow the machine.
        try await withSimulator(Self.limited(rpm: 1, burst: 3)) { simulator, client async throws in
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await client.get("/v1/videos")
                #expect(response.status == 200)
                #expect(response.headers["x-ratelimit-limit-requests"] == "1")
                remaining.append(response.headers["x-ratelimit-remaining-requests"] ?? "-")
            }
            #expect(remaining == ["2", "1", "0"])
            let refused = try await client.get("/v1/videos")
            #expect(refused.status == 429)
            #expect(refused.error["code"] as? String == "rate_limit_exceeded" && refused.error["type"] as? String == "requests")
            let seconds = try #require(refused.headers["retry-after"].flatMap { Int($0) })
            #expect((1...60).contains(seconds))
            let milliseconds = try #require(refused.headers["retry-after-ms"].flatMap { Int($0) })
            #expect((1...60000).contains(milliseconds))
            #expect(refused.headers["x-ratelimit-remaining-requests"] == "0")
            let reset = try #require(refused.headers["x-ratelimit-reset-requests"])
            #expect(reset.hasSuffix("s") && reset.first?.isNumber == true, "\(reset)")

            for _ in 0..<5 { #expect(try await client.get("/_simulator/health").status == 200, "control endpoints are not limited") }
            let health = try await client.get("/_simulator/health").json
            #expect(health["rate_limited"] as? Int == 1)
            #expect(simulator.rateLimitedRequests == 1)
            #expect(await eventually { simulator.pendingRequests == 0 })
            #expect(simulator.requests().last?.fault?.name == "rate_limited")
        }
    }

    @Test("a token comes back in real time: after the retry-after-ms of a 429 the next request passes")
    func refill() async throws {
        try await withSimulator(Self.limited(rpm: 60, burst: 1)) { _, client async throws in
            var refused: (status: Int, wait: Int)?
            for _ in 0..<20 where refused == nil {
                let response = try await client.get("/v1/videos")
                if response.status == 429 { refused = (429, response.headers["retry-after-ms"].flatMap { Int($0) } ?? 1000) }
            }
            let wait = try #require(refused?.wait, "no request was refused at 60 per minute with a burst of 1")
            try await Task.sleep(for: .milliseconds(wait + 50))
            let again = try await client.get("/v1/videos")
            #expect(again.status == 200, "the token the 429 announced is there")
        }
    }

    @Test("the 429 is dressed in the flavour; a LiteLLM client sees llm_provider- headers")
    func flavoured() async throws {
        try await withSimulator(Self.limited(rpm: 1, burst: 1, flavor: .litellm)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "busy")
            let target = "/v1/videos/\(LiteLLMFlavorTests.encoded(video.id))"
            let first = try await client.get(target)
            #expect(first.status == 200 && first.headers["llm_provider-x-ratelimit-remaining-requests"] == "0")
            #expect(first.headers["llm_provider-x-ratelimit-reset-requests"] == "1m0s")
            let refused = try await client.get(target)
            #expect(refused.status == 429 && refused.headers["retry-after"] == nil)
            let seconds = try #require(refused.headers["llm_provider-retry-after"].flatMap { Int($0) })
            #expect((50...60).contains(seconds), "about a minute until the next token")
            #expect(refused.headers["llm_provider-retry-after-ms"] != nil)
            #expect((refused.error["message"] as? String)?.hasPrefix("litellm.RateLimitError:") == true)
        }
        try await withSimulator(Self.limited(rpm: 1, burst: 1, flavor: .openrouter)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "files", outcome: .completed, durationSeconds: 0)
            let link = try #require((try await client.get("/api/v1/videos/\(video.id)").json["urls"] as? [String])?.first)
            let refused = try await client.get("/api/v1/videos/\(video.id)")
            #expect(refused.status == 429 && refused.error["code"] as? Int == 429)
            #expect(try await TestClient.fetch(link).status == 200, "file links are not limited")
        }
    }

    @Test("the reset header is written as OpenAI writes durations")
    func resetText() {
        #expect(RequestRateLimiter.resetText(.zero) == "0s")
        #expect(RequestRateLimiter.resetText(.milliseconds(120)) == "120ms")
        #expect(RequestRateLimiter.resetText(.milliseconds(1500)) == "1.5s")
        #expect(RequestRateLimiter.resetText(.seconds(360)) == "6m0s")
        #expect(RequestRateLimiter.resetText(.milliseconds(90_250)) == "1m30.25s")
        #expect(RequestRateLimiter.resetText(.seconds(3600)) == "1h0m0s")
    }

    @Test("the bucket refills at N/60 per second up to the burst")
    func refill() {
        let start = ContinuousClock.now
        let bucket = RequestRateLimiter(perMinute: 120, burst: 2, now: start)
        #expect(bucket.take(at: start).remaining == 1)
        #expect(bucket.take(at: start).allowed)
        let refused = bucket.take(at: start)
        #expect(!refused.allowed && refused.untilNextToken == .milliseconds(500) && refused.untilFull == .seconds(1))
        #expect(bucket.take(at: start + .milliseconds(500)).allowed)
        #expect(bucket.peek(at: start + .seconds(60)).remaining == 2, "never above the burst")
        #expect(bucket.refusedCount == 1)
    }
}
