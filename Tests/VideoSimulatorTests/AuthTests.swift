import Foundation
import Testing
import VideoSimulator

@Suite("Bearer auth")
struct AuthTests {
    @Test("with a key set, a missing or wrong Bearer token is a 401 OpenAI error on every endpoint")
    func rejectsMissingAndWrongKeys() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "secret")
            var anonymous = client
            anonymous.key = nil
            var wrong = client
            wrong.key = "sk-wrong-key-0123456789"
            for target in ["/v1/videos", "/v1/videos/\(video.id)", "/v1/videos/\(video.id)/content", "/v1/nothing"] {
                let missing = try await anonymous.get(target)
                #expect(missing.status == 401)
                #expect(missing.error["type"] as? String == "invalid_request_error")
                #expect(missing.error["code"] is NSNull)
                #expect(missing.headers["x-request-id"]?.hasPrefix("req_") == true)

                let rejected = try await wrong.get(target)
                #expect(rejected.status == 401)
                #expect(rejected.error["code"] as? String == "invalid_api_key")
                #expect(rejected.text.contains("sk-wrong-key-0123456789") == false, "the token is masked")
            }
            let basic = try await client.send("GET", "/v1/videos", headers: ["Authorization": "Basic c2stdGVzdDo="])
            #expect(basic.status == 401)
            #expect(try await anonymous.create(["prompt": "x"]).status == 401)
            #expect(simulator.videos().count == 1, "a refused create creates nothing")
            #expect(try await client.get("/v1/videos").status == 200)
        }
    }

    @Test("without a key set, any non-empty Bearer token is accepted but none is still refused")
    func acceptsAnyTokenWithoutKey() async throws {
        try await withSimulator(.testing(apiKey: nil)) { _, client async throws in
            var other = client
            other.key = "anything"
            #expect(try await other.get("/v1/videos").status == 200)
            other.key = nil
            #expect(try await other.get("/v1/videos").status == 401)
        }
    }

    @Test("unknown paths are 404 Invalid URL errors")
    func unknownPath() async throws {
        try await withSimulator { _, client async throws in
            let response = try await client.send("PUT", "/v1/videos")
            #expect(response.status == 404)
            #expect(response.error["message"] as? String == "Invalid URL (PUT /v1/videos)")
        }
    }
}
