import Foundation
import Testing
import VideoSimulator

@Suite("GET /v1/videos/{id}/content")
struct ContentTests {
    @Test("content is a JSON 400 before completion and the variant's bytes after")
    func contentAfterCompletion() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "render me", outcome: .completed, durationSeconds: 60)
            let early = try await client.get("/v1/videos/\(video.id)/content")
            #expect(early.status == 400)
            #expect(early.headers["content-type"] == "application/json")
            #expect(early.error["type"] as? String == "invalid_request_error")
            #expect((early.error["message"] as? String)?.contains("not ready") == true)

            simulator.advance(by: 60)
            let expected = ["video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"]
            for (variant, mediaType) in expected {
                let response = try await client.get("/v1/videos/\(video.id)/content?variant=\(variant)")
                #expect(response.status == 200)
                #expect(response.headers["content-type"] == mediaType)
                #expect(response.headers["content-length"] == String(response.body.count))
                #expect((2048..<8192).contains(response.body.count))
                let again = try await client.get("/v1/videos/\(video.id)/content?variant=\(variant)")
                #expect(again.body == response.body, "content is deterministic")
            }
            let mp4 = try await client.get("/v1/videos/\(video.id)/content")
            #expect(mp4.body.dropFirst(4).prefix(4) == Data("ftyp".utf8))
            #expect(try await client.get("/v1/videos/\(video.id)/content?variant=gif").status == 400)
        }
    }

    @Test("content of a failed video is a 400 and of an unknown one a 404")
    func contentOfFailedAndUnknown() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(
                prompt: "fail", outcome: .failed(code: "internal_error", message: "x"), durationSeconds: 10
            )
            simulator.advance(by: 10)
            #expect(try await client.get("/v1/videos/\(video.id)/content").status == 400)
            let unknown = try await client.get("/v1/videos/video_nope/content")
            #expect(unknown.status == 404)
            #expect(unknown.error["message"] as? String == "Video with id 'video_nope' not found.")
        }
    }

    @Test("content of a video whose assets expired is a 410 JSON error")
    func contentExpired() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "old", outcome: .completed, durationSeconds: 30)
            simulator.advance(by: 30 + 3599)
            #expect(try await client.get("/v1/videos/\(video.id)/content").status == 200)
            simulator.advance(by: 1)
            let expired = try await client.get("/v1/videos/\(video.id)/content")
            #expect(expired.status == 410)
            #expect(expired.error["code"] as? String == "video_expired")
            let retrieve = try await client.get("/v1/videos/\(video.id)").json
            #expect(retrieve["status"] as? String == "completed", "the job itself stays completed")
        }
    }
}
