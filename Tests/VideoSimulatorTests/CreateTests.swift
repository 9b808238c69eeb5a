import Foundation
import Testing
import VideoSimulator

@Suite("POST /v1/videos")
struct CreateTests {
    static let videoKeys: Set<String> = [
        "id", "object", "model", "status", "progress", "created_at", "completed_at", "expires_at",
        "prompt", "size", "seconds", "remixed_from_video_id", "error",
    ]

    @Test("create with a JSON body answers a queued video with all 13 keys")
    func createWithJSON() async throws {
        try await withSimulator { simulator, client async throws in
            let response = try await client.create([
                "prompt": "A paper airplane", "model": "sora-2-pro", "seconds": "8", "size": "1280x720",
            ])
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["openai-version"] == "2020-10-01")
            let video = response.json
            #expect(Set(video.keys) == CreateTests.videoKeys)
            let id = try #require(video["id"] as? String)
            #expect(id.hasPrefix("video_") && id.count == 6 + 32)
            #expect(id.dropFirst(6).allSatisfy { $0.isHexDigit })
            #expect(video["object"] as? String == "video")
            #expect(video["status"] as? String == "queued")
            #expect(video["progress"] as? Int == 0)
            #expect(video["model"] as? String == "sora-2-pro")
            #expect(video["seconds"] as? String == "8")
            #expect(video["size"] as? String == "1280x720")
            #expect(video["prompt"] as? String == "A paper airplane")
            #expect(video["created_at"] as? Int == 1_790_000_000)
            for key in ["completed_at", "expires_at", "remixed_from_video_id", "error"] {
                #expect(video[key] is NSNull, "\(key) should be null")
            }
            #expect(simulator.video(id)?.status == "queued")
        }
    }

    @Test("create with a multipart body, as the SDKs send it, answers a queued video and ignores the file part")
    func createWithMultipart() async throws {
        try await withSimulator { _, client async throws in
            let response = try await client.postMultipart(
                "/v1/videos",
                fields: [("prompt", "Line one\r\nline \"two\" é"), ("model", "sora-2"), ("seconds", "12"),
                         ("size", "720x1280")],
                files: [("input_reference", "ref.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))]
            )
            #expect(response.status == 200)
            #expect(response.json["status"] as? String == "queued")
            #expect(response.json["prompt"] as? String == "Line one\r\nline \"two\" é")
            #expect(response.json["seconds"] as? String == "12")
        }
    }

    @Test("create applies the defaults sora-2, 4 seconds and 720x1280")
    func createDefaults() async throws {
        try await withSimulator { _, client async throws in
            let video = try await client.create(["prompt": "defaults"]).json
            #expect(video["model"] as? String == "sora-2")
            #expect(video["seconds"] as? String == "4")
            #expect(video["size"] as? String == "720x1280")
        }
    }

    @Test("invalid create bodies are 400s in the OpenAI error envelope")
    func createValidation() async throws {
        try await withSimulator { simulator, client async throws in
            let missing = try await client.create(["model": "sora-2"])
            #expect(missing.status == 400)
            #expect(missing.error["type"] as? String == "invalid_request_error")
            #expect(missing.error["param"] as? String == "prompt")
            #expect(missing.error["code"] as? String == "missing_required_parameter")
            #expect(Set(missing.error.keys) == ["message", "type", "param", "code"])

            let integerSeconds = try await client.create(["prompt": "x", "seconds": 4])
            #expect(integerSeconds.status == 400)
            #expect(integerSeconds.error["code"] as? String == "invalid_type")
            #expect((integerSeconds.error["message"] as? String)?.contains("but got an integer instead") == true)

            let tooLong = try await client.create(["prompt": String(repeating: "a", count: 32001)])
            #expect(tooLong.status == 400)
            #expect(tooLong.error["code"] as? String == "string_above_max_length")

            let empty = try await client.create(["prompt": ""])
            #expect(empty.error["code"] as? String == "string_below_min_length")

            let badSize = try await client.create(["prompt": "x", "size": "720p"])
            #expect(badSize.status == 400)
            #expect(badSize.error["param"] as? String == "size")

            let notJSON = try await client.send(
                "POST", "/v1/videos", body: Data("{nope".utf8), contentType: "application/json"
            )
            #expect(notJSON.status == 400)
            #expect(notJSON.error["message"] is String)

            let longest = try await client.create(["prompt": String(repeating: "a", count: 32000)])
            #expect(longest.status == 200)
            #expect(simulator.videos().count == 1)
        }
    }
}
