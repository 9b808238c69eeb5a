import Foundation
import Testing
import VideoSimulator

@Suite("Flavor azure")
struct AzureFlavorTests {
    @Test("base /openai/v1, the key in api-key; a Bearer token, no key or a wrong key is a 401 in OpenAI's envelope")
    func apiKeyHeader() async throws {
        try await withSimulator(.testing(flavor: .azure)) { simulator, client async throws in
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)/openai/v1")
            let video = simulator.createVideo(prompt: "azure", outcome: .completed, durationSeconds: 0)
            #expect(video.id.hasPrefix("video_") && video.id.count == 38)

            let bearer = try await client.get("/openai/v1/videos/\(video.id)")
            #expect(bearer.status == 401)
            #expect(Set(bearer.error.keys) == ["message", "type", "param", "code"])
            #expect((bearer.error["message"] as? String)?.hasPrefix("Access denied due to invalid subscription key") == true)

            var keyed = client
            keyed.key = nil
            let wrong = try await keyed.send("GET", "/openai/v1/videos/\(video.id)", headers: ["api-key": "sk-other"])
            #expect(wrong.status == 401)
            let retrieved = try await keyed.send("GET", "/openai/v1/videos/\(video.id)", headers: ["api-key": "sk-test"])
            #expect(retrieved.status == 200 && retrieved.json["status"] as? String == "completed")
            #expect(retrieved.json["prompt"] as? String == "azure" && retrieved.json["video_url"] == nil)
            #expect(retrieved.headers["x-request-id"]?.hasPrefix("req_") == true)
            let content = try await keyed.send("GET", "/openai/v1/videos/\(video.id)/content", headers: ["api-key": "sk-test"])
            #expect(content.status == 200 && content.headers["content-type"] == "video/mp4")

            let elsewhere = try await keyed.send("GET", "/v1/videos/\(video.id)", headers: ["api-key": "sk-test"])
            #expect(elsewhere.status == 404 && elsewhere.error["message"] as? String == "Invalid URL (GET /v1/videos/\(video.id))")
            #expect(await eventually { simulator.pendingRequests == 0 })
            #expect(simulator.requests().allSatisfy { $0.authSent })
        }
    }

    @Test("reject-all-keys refuses even the right api-key")
    func rejectAll() async throws {
        var configuration = SimulatorConfiguration.testing(flavor: .azure)
        configuration.rejectAllKeys = true
        try await withSimulator(configuration) { _, client async throws in
            var keyed = client
            keyed.key = nil
            #expect(try await keyed.send("GET", "/openai/v1/videos", headers: ["api-key": "sk-test"]).status == 401)
        }
    }
}
