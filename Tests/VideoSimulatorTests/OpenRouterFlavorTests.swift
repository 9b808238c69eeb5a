import Foundation
import Testing
@testable import VideoSimulator

@Suite("Flavor openrouter")
struct OpenRouterFlavorTests {
    @Test("base /api/v1, job- ids, pending for queued, signed and unsigned urls once completed")
    func completedRetrieve() async throws {
        try await withSimulator(.testing(flavor: .openrouter)) { simulator, client async throws in
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)/api/v1")
            let created = try await client.create(["prompt": "a kite"], base: "/api/v1")
            #expect(created.status == 200)
            let id = try #require(created.json["id"] as? String)
            #expect(id.hasPrefix("job-") && id.count == 28)
            #expect(id.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(created.json["status"] as? String == "pending")
            #expect(created.json["urls"] == nil)

            let video = simulator.createVideo(prompt: "done", outcome: .completed, durationSeconds: 0)
            let response = try await client.get("/api/v1/videos/\(video.id)")
            #expect(response.status == 200 && response.json["status"] as? String == "completed")
            #expect(response.headers["x-request-id"]?.hasPrefix("req_") == true)
            let signed = try #require((response.json["urls"] as? [String])?.first)
            #expect(signed.hasPrefix("http://localhost:\(simulator.port)/files/") && signed.contains(".mp4?sig="))
            #expect(response.json["unsigned_urls"] as? [String]
                == ["http://127.0.0.1:\(simulator.port)/api/v1/videos/\(video.id)/content?index=0"])

            let content = try await client.get("/api/v1/videos/\(video.id)/content?index=0&variant=thumbnail")
            #expect(content.status == 200 && content.headers["content-type"] == "video/mp4")
            let file = try await TestClient.fetch(signed)
            #expect(file.status == 200 && file.headers["content-type"] == "video/mp4")
            #expect(file.body == content.body)
            #expect(file.headers["content-length"] == String(file.body.count))

            #expect(await eventually { simulator.pendingRequests == 0 })
            let logged = try #require(simulator.requests().last)
            #expect(logged.path.hasPrefix("/files/") && logged.status == 200 && logged.authSent == false)
            #expect(simulator.requests().dropLast().allSatisfy { $0.authSent })
            let entries = try JSONSerialization.jsonObject(with: try await client.get("/_simulator/requests").body) as? [[String: Any]]
            #expect(entries?.last?["auth_sent"] as? Bool == false)
            #expect(entries?.first?["auth_sent"] as? Bool == true)

            _ = try await TestClient.fetch(signed, headers: ["Authorization": "Bearer sk-test"])
            #expect(await eventually { simulator.requests().last?.authSent == true }, "a key sent to the file host shows")
            #expect(try await client.get("/api/v1/videos/\(video.id)/content?index=1").status == 400)
        }
    }

    @Test("errors are {\"error\":{\"code\":<status>,\"message\":…}}; another base path is a 404")
    func errors() async throws {
        try await withSimulator(.testing(flavor: .openrouter)) { simulator, client async throws in
            let missing = try await client.get("/api/v1/videos/job-nope")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"error":{"code":404,"message":"Video with id 'job-nope' not found."}}"#)
            let elsewhere = try await client.get("/v1/videos")
            #expect(elsewhere.status == 404 && elsewhere.error["code"] as? Int == 404)

            let video = simulator.createVideo(prompt: "limited", faults: [.rateLimited(retryAfter: 3)])
            let limited = try await client.get("/api/v1/videos/\(video.id)")
            #expect(limited.status == 429 && limited.headers["retry-after"] == "3")
            #expect(limited.error["code"] as? Int == 429 && Set(limited.error.keys) == ["code", "message"])
        }
    }

    @Test("a signed link needs its signature, and stops working when the video's assets expire")
    func signedLinkExpiry() async throws {
        try await withSimulator(.testing(flavor: .openrouter)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "short-lived", outcome: .completed, durationSeconds: 0)
            let signed = try #require((try await client.get("/api/v1/videos/\(video.id)").json["urls"] as? [String])?.first)
            let unsigned = String(signed.prefix { $0 != "?" })
            #expect(try await TestClient.fetch(unsigned).status == 403)
            #expect(try await TestClient.fetch(signed + "0").status == 403)
            simulator.advance(by: 3600)
            let expired = try await TestClient.fetch(signed)
            #expect(expired.status == 403 && expired.text.contains("Request has expired"))
            #expect(try await TestClient.fetch("http://localhost:\(simulator.port)/files/unknown.mp4").status == 404)
        }
    }
}
