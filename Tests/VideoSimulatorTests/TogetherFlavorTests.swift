import Foundation
import Testing
@testable import VideoSimulator

@Suite("Flavor together")
struct TogetherFlavorTests {
    @Test("UUID ids, outputs.video_url once completed, the file served without auth, no content endpoint")
    func completedRetrieve() async throws {
        try await withSimulator(.testing(flavor: .together)) { simulator, client async throws in
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)/v1")
            let created = try await client.create(["prompt": "waves"])
            let id = try #require(created.json["id"] as? String)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            #expect(created.json["status"] as? String == "queued" && created.json["outputs"] == nil)

            let video = simulator.createVideo(prompt: "done", outcome: .completed, durationSeconds: 0)
            let response = try await client.get("/v1/videos/\(video.id)")
            let outputs = try #require(response.json["outputs"] as? [String: Any])
            let link = try #require(outputs["video_url"] as? String)
            #expect(link.hasPrefix("http://localhost:\(simulator.port)/files/"))
            let file = try await TestClient.fetch(link)
            #expect(file.status == 200 && file.headers["content-type"] == "video/mp4")
            #expect(file.body == Data(PseudoContent.bytes(seed: 42, videoID: video.id, variant: "video")))
            #expect(await eventually { simulator.requests().last?.isComplete == true })
            #expect(simulator.requests().last?.authSent == false)

            let content = try await client.get("/v1/videos/\(video.id)/content")
            #expect(content.status == 404)
            #expect(content.text == #"{"error":{"message":"Invalid URL (GET /v1/videos/\#(video.id)/content)","type":"invalid_request_error","code":null}}"#)
        }
    }

    @Test("errors are {\"error\":{\"message\",\"type\",\"code\"}}; content faults apply to the file link")
    func errorsAndFileFaults() async throws {
        try await withSimulator(.testing(flavor: .together)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "limited", outcome: .completed, durationSeconds: 0,
                                              faults: [.rateLimited(retryAfter: 1), .serverError(status: 500, envelope: .openAI)])
            let limited = try await client.get("/v1/videos/\(video.id)")
            #expect(limited.status == 429 && limited.headers["retry-after"] == "1")
            #expect(Set(limited.error.keys) == ["message", "type", "code"])
            #expect(limited.error["type"] as? String == "rate_limit_error")
            #expect(limited.error["code"] as? String == "rate_limit_exceeded")
            let failing = try await client.get("/v1/videos/\(video.id)")
            #expect(failing.status == 500 && failing.error["type"] as? String == "server_error" && failing.error["code"] is NSNull)

            let link = try #require((try await client.get("/v1/videos/\(video.id)").json["outputs"] as? [String: Any])?["video_url"] as? String)
            simulator.scriptContent(video.id, faults: [.custom(status: 200, body: #"{"error":"not yet"}"#)])
            let faulted = try await TestClient.fetch(link)
            #expect(faulted.status == 200 && faulted.text == #"{"error":"not yet"}"#)
            #expect(try await TestClient.fetch(link).headers["content-type"] == "video/mp4")
        }
    }
}
