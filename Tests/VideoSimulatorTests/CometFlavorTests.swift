import Foundation
import Testing
import VideoSimulator

@Suite("Flavor comet")
struct CometFlavorTests {
    @Test("OpenAI's shape with a signed video_url once completed")
    func completedRetrieve() async throws {
        try await withSimulator(.testing(flavor: .comet)) { simulator, client async throws in
            let running = simulator.createVideo(prompt: "later", durationSeconds: 60)
            #expect(try await client.get("/v1/videos/\(running.id)").json["video_url"] == nil)
            let video = simulator.createVideo(prompt: "done", outcome: .completed, durationSeconds: 0, quirks: [.extraFields])
            let response = try await client.get("/v1/videos/\(video.id)")
            #expect(response.status == 200 && response.json["prompt"] as? String == "done")
            let link = try #require(response.json["video_url"] as? String)
            #expect(link.hasPrefix("http://localhost:\(simulator.port)/files/"))
            #expect(response.text.components(separatedBy: "\"video_url\"").count == 2, "one video_url, the signed one")
            let file = try await TestClient.fetch(link)
            let content = try await client.get("/v1/videos/\(video.id)/content")
            #expect(file.status == 200 && file.body == content.body)
        }
    }

    @Test("errors in CometAPI's envelope with the request id; 401 bare; CometAPI-shaped faults unchanged")
    func errors() async throws {
        try await withSimulator(.testing(flavor: .comet)) { simulator, client async throws in
            let missing = try await client.get("/v1/videos/video_nope")
            let requestID = try #require(missing.headers["x-request-id"])
            #expect(missing.status == 404)
            #expect(missing.text == #"{"error":{"message":"Video with id 'video_nope' not found. (request id: \#(requestID))","type":"comet_api_error","param":"","code":""}}"#)

            var anonymous = client
            anonymous.key = nil
            let refused = try await anonymous.get("/v1/videos")
            #expect(refused.status == 401 && refused.json["code"] is NSNull && refused.json["error"] == nil)
            #expect(Set(refused.json.keys) == ["code", "message"])

            let video = simulator.createVideo(prompt: "faults", faults: [
                .rateLimited(retryAfter: 1), .serverError(status: 500, envelope: .cometAPILegacy),
            ])
            let limited = try await client.get("/v1/videos/\(video.id)")
            #expect(limited.status == 429 && limited.headers["retry-after"] == "1")
            #expect(limited.error["code"] as? String == "rate_limit_exceeded" && limited.error["param"] as? String == "")
            let legacy = try await client.get("/v1/videos/\(video.id)")
            #expect(legacy.text.hasPrefix(#"{"error":{"code":"","message":"#))
        }
    }
}
