import Foundation
import Testing
import VideoSimulator

@Suite("DELETE and remix")
struct DeleteAndRemixTests {
    @Test("delete of a finished video answers video.deleted and later requests are 404")
    func deleteThenNotFound() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "bye", outcome: .completed, durationSeconds: 5)
            simulator.advance(by: 5)
            let deleted = try await client.send("DELETE", "/v1/videos/\(video.id)")
            #expect(deleted.status == 200)
            #expect(deleted.json["id"] as? String == video.id)
            #expect(deleted.json["object"] as? String == "video.deleted")
            #expect(deleted.json["deleted"] as? Bool == true)
            #expect(deleted.json.count == 3)

            let gone = try await client.get("/v1/videos/\(video.id)")
            #expect(gone.status == 404)
            #expect(gone.error["message"] as? String == "Video with id '\(video.id)' not found.")
            #expect(gone.error["code"] is NSNull)
            #expect(try await client.send("DELETE", "/v1/videos/\(video.id)").status == 404)
            #expect(simulator.video(video.id) == nil)
            let list = try await client.get("/v1/videos").json
            #expect((list["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("delete of a queued or running video is a 400 and the video stays")
    func deleteRunning() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "busy", outcome: .completed, durationSeconds: 100)
            let refused = try await client.send("DELETE", "/v1/videos/\(video.id)")
            #expect(refused.status == 400)
            #expect(refused.error["type"] as? String == "invalid_request_error")
            #expect(simulator.video(video.id) != nil)
        }
    }

    @Test("remix of a completed video queues a new job that names its source")
    func remixCompleted() async throws {
        try await withSimulator { simulator, client async throws in
            let source = simulator.createVideo(
                prompt: "source", model: "sora-2-pro", seconds: "8", size: "1792x1024",
                outcome: .completed, durationSeconds: 20
            )
            let early = try await client.send(
                "POST", "/v1/videos/\(source.id)/remix", body: Data(#"{"prompt":"again"}"#.utf8),
                contentType: "application/json"
            )
            #expect(early.status == 400, "a running source cannot be remixed")

            simulator.advance(by: 20)
            let remix = try await client.send(
                "POST", "/v1/videos/\(source.id)/remix", body: Data(#"{"prompt":"at night"}"#.utf8),
                contentType: "application/json"
            )
            #expect(remix.status == 200)
            let json = remix.json
            #expect(json["remixed_from_video_id"] as? String == source.id)
            #expect(json["status"] as? String == "queued")
            #expect(json["prompt"] as? String == "at night")
            #expect(json["model"] as? String == "sora-2-pro")
            #expect(json["seconds"] as? String == "8")
            #expect(json["size"] as? String == "1792x1024")
            #expect(json["id"] as? String != source.id)

            let multipart = try await client.postMultipart("/v1/videos/\(source.id)/remix", fields: [("prompt", "m")])
            #expect(multipart.status == 200)
            let unknown = try await client.postMultipart("/v1/videos/video_unknown/remix", fields: [("prompt", "m")])
            #expect(unknown.status == 404)
            let noPrompt = try await client.postMultipart("/v1/videos/\(source.id)/remix", fields: [])
            #expect(noPrompt.status == 400)
        }
    }
}
