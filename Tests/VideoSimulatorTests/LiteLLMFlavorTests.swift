import Foundation
import Testing
@testable import VideoSimulator

@Suite("Flavor litellm")
struct LiteLLMFlavorTests {
    static let videoKeys: Set<String> = [
        "id", "object", "status", "created_at", "completed_at", "expires_at", "error", "progress",
        "remixed_from_video_id", "seconds", "size", "model", "usage",
    ]

    /// The id percent-encoded as a path segment (`+`, `/` and `=` escaped).
    static func encoded(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }

    @Test("ids are video_ + base64 of the provider, model, upstream id and deployment; + / = arrive percent-encoded")
    func wrappedIDs() async throws {
        try await withSimulator(.testing(flavor: .litellm)) { simulator, client async throws in
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)/v1")
            // '~' and '?' put 62 and 63 in the base64 digits: the id holds '+' and '/', and ends in '='.
            let created = try await client.create(["prompt": "wrapped", "model": "sora-2~~~???x"])
            #expect(created.status == 200)
            let id = try #require(created.json["id"] as? String)
            #expect(id.hasPrefix("video_") && (200...300).contains(id.count), "\(id.count) characters")
            #expect(id.contains("+") && id.contains("/") && id.hasSuffix("="))
            let decoded = try #require(LiteLLMVideoID(decoding: id))
            #expect(decoded.model == "sora-2~~~???x" && decoded.provider == "openai")
            #expect(decoded.videoID.hasPrefix("video_") && decoded.videoID.count == 38)
            let deployment = try #require(decoded.deploymentID)
            #expect(deployment.count == 64 && deployment.allSatisfy(\.isHexDigit))
            let payload = String(decoding: Data(base64Encoded: String(id.dropFirst(6)))!, as: UTF8.self)
            #expect(payload == "litellm:custom_llm_provider:openai;model_id:sora-2~~~???x;video_id:\(decoded.videoID)"
                + ";deployment_id:\(deployment)")
            #expect(created.json["prompt"] == nil)

            let polled = try await client.get("/v1/videos/\(Self.encoded(id))")
            #expect(polled.status == 200)
            #expect(polled.json["id"] as? String == id)
            #expect(simulator.video(id)?.id == id && simulator.video(decoded.videoID)?.id == id)

            let again = try await VideoSimulator.start(.testing(flavor: .litellm))
            let other = again.createVideo(prompt: "same seed")
            #expect(LiteLLMVideoID(decoding: other.id)?.deploymentID == deployment, "fixed for a seed")
            await again.stop()
        }
    }

    @Test("a completed retrieve is rebuilt: no prompt, every key, usage null; headers prefixed llm_provider-")
    func completedRetrieve() async throws {
        try await withSimulator(.testing(flavor: .litellm)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "a fox", outcome: .completed, durationSeconds: 0)
            let response = try await client.get("/v1/videos/\(Self.encoded(video.id))")
            #expect(response.status == 200)
            #expect(Set(response.json.keys) == Self.videoKeys)
            #expect(response.json["id"] as? String == video.id)
            #expect(response.json["status"] as? String == "completed")
            #expect(response.json["usage"] is NSNull && response.json["error"] is NSNull)
            #expect(response.json["remixed_from_video_id"] is NSNull)
            #expect(response.text.hasPrefix(#"{"id":""#) && response.text.hasSuffix(#""usage":null}"#))
            #expect(response.headers["x-request-id"] == nil && response.headers["openai-version"] == nil)
            #expect(response.headers["llm_provider-x-request-id"]?.hasPrefix("req_") == true)
            #expect(response.headers["llm_provider-openai-version"] == "2020-10-01")
            #expect(response.headers["x-litellm-attempted-retries"] == "0")
            let callID = try #require(response.headers["x-litellm-call-id"])
            #expect(UUID(uuidString: callID) != nil)
            #expect(simulator.responses().last?.requestID == response.headers["llm_provider-x-request-id"])
        }
    }

    @Test("an id without deployment_id is routed and answered with it; a raw upstream id is a 400")
    func routing() async throws {
        try await withSimulator(.testing(flavor: .litellm)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "route me")
            let decoded = try #require(LiteLLMVideoID(decoding: video.id))
            let short = LiteLLMVideoID(model: "sora-2", videoID: decoded.videoID, deploymentID: nil).encoded
            #expect(short != video.id)
            let answer = try await client.get("/v1/videos/\(Self.encoded(short))")
            #expect(answer.status == 200)
            #expect(answer.json["id"] as? String == video.id, "the answer's id differs from the polled one")

            let raw = try await client.get("/v1/videos/\(decoded.videoID)")
            #expect(raw.status == 400)
            #expect(Set(raw.error.keys) == ["message", "type", "param", "code"])
            #expect(raw.error["code"] as? String == "400" && raw.error["type"] is NSNull && raw.error["param"] is NSNull)
            #expect((raw.error["message"] as? String)?.hasPrefix("litellm.BadRequestError: LLM Provider NOT provided.") == true)

            let listing = try await client.get("/v1/videos")
            #expect(listing.status == 400)
            #expect((listing.error["message"] as? String)?.hasPrefix("litellm.BadRequestError: LLM Provider NOT provided.") == true)
            let delete = try await client.send("DELETE", "/v1/videos/\(Self.encoded(video.id))")
            #expect(delete.status == 405 && delete.text == #"{"detail":"Method Not Allowed"}"#)
        }
    }

    @Test("errors are wrapped: litellm.<Class>: <Class>: OpenAIException - <upstream body>, code the status")
    func wrappedErrors() async throws {
        try await withSimulator(.testing(flavor: .litellm)) { simulator, client async throws in
            let missing = LiteLLMVideoID(model: "sora-2", videoID: "video_nope", deploymentID: nil).encoded
            let notFound = try await client.get("/v1/videos/\(Self.encoded(missing))")
            #expect(notFound.status == 404)
            #expect(notFound.error["code"] as? String == "404" && notFound.error["type"] is NSNull)
            let upstream = #"{"error":{"message":"Video with id 'video_nope' not found.","type":"invalid_request_error","param":null,"code":null}}"#
            #expect(notFound.error["message"] as? String
                == "litellm.NotFoundError: NotFoundError: OpenAIException - " + upstream)

            let video = simulator.createVideo(prompt: "limited", faults: [
                .rateLimited(retryAfter: 2, retryAfterMs: 1500), .serverError(status: 503, envelope: .cometAPI),
                .htmlError(status: 502), .connectionClosed, .truncatedBody, .cutJSON,
            ])
            let target = "/v1/videos/\(Self.encoded(video.id))"
            let limited = try await client.get(target)
            #expect(limited.status == 429)
            #expect((limited.error["message"] as? String)?.hasPrefix(
                "litellm.RateLimitError: RateLimitError: OpenAIException - {\"error\":{\"message\":\"Rate limit reached") == true)
            #expect(limited.error["code"] as? String == "429")
            #expect(limited.headers["retry-after"] == nil && limited.headers["retry-after-ms"] == nil)
            #expect(limited.headers["llm_provider-retry-after"] == "2")
            #expect(limited.headers["llm_provider-retry-after-ms"] == "1500")
            #expect(limited.headers["x-request-id"] == nil && limited.headers["llm_provider-x-request-id"] != nil)

            let unavailable = try await client.get(target)
            #expect(unavailable.status == 503)
            #expect((unavailable.error["message"] as? String)?.hasPrefix(
                "litellm.ServiceUnavailableError: ServiceUnavailableError: OpenAIException - {\"error\":{\"message\":\"upstream error") == true)
            let html = try await client.get(target)
            #expect(html.status == 502 && html.headers["content-type"] == "application/json")
            #expect((html.error["message"] as? String)?.contains("<title>502 Bad Gateway</title>") == true)
            for _ in 0..<3 {
                let broken = try await client.get(target)
                #expect(broken.status == 500, "a closed connection, a cut body or cut JSON become the proxy's 500")
                #expect((broken.error["message"] as? String)?.hasPrefix("litellm.InternalServerError: InternalServerError:") == true)
            }

            var anonymous = client
            anonymous.key = nil
            let unauthorised = try await anonymous.get(target)
            #expect(unauthorised.status == 401)
            #expect((unauthorised.error["message"] as? String)?.hasPrefix(
                "litellm.AuthenticationError: AuthenticationError: OpenAIException - ") == true)
        }
    }

    @Test("content ignores the variant and is always video/mp4; fixed ids stay as given and route raw")
    func contentAndFixedIDs() async throws {
        var configuration = SimulatorConfiguration.testing(flavor: .litellm)
        configuration.scenario = Scenario(videos: [
            ScriptedVideo(id: "video_fixed", prompt: "fixed", outcome: .completed, durationSeconds: 0),
        ])
        try await withSimulator(configuration) { simulator, client async throws in
            let fixed = try await client.get("/v1/videos/video_fixed")
            #expect(fixed.status == 200 && fixed.json["id"] as? String == "video_fixed")
            let thumbnail = try await client.get("/v1/videos/video_fixed/content?variant=thumbnail")
            #expect(thumbnail.status == 200 && thumbnail.headers["content-type"] == "video/mp4")
            #expect(thumbnail.body == Data(PseudoContent.bytes(seed: 42, videoID: "video_fixed", variant: "video")))
            #expect(thumbnail.headers["content-length"] == String(thumbnail.body.count))

            var seconds = simulator.createVideo(prompt: "integer", outcome: .completed, durationSeconds: 0, quirks: [.integerSeconds])
            let invalid = try await client.get("/v1/videos/\(Self.encoded(seconds.id))")
            #expect(invalid.status == 500)
            #expect((invalid.error["message"] as? String)?.contains("1 validation error for VideoObject\nseconds") == true)
            seconds = simulator.createVideo(prompt: "quirky", outcome: .completed, durationSeconds: 0, quirks: [.extraFields, .omitNullKeys, .millisecondTimestamps])
            let quirky = try await client.get("/v1/videos/\(Self.encoded(seconds.id))")
            #expect(Set(quirky.json.keys) == Self.videoKeys, "extra fields dropped, omitted keys back as null")
            #expect(quirky.json["created_at"] as? Int == 1_790_000_000_000, "millisecond timestamps pass unchanged")
        }
    }
}
