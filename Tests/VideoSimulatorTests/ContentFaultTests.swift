import Foundation
import Testing
import VideoSimulator

@Suite("Faults on GET /v1/videos/{id}/content")
struct ContentFaultTests {
    @Test("a content script shapes the downloads of its video only, then the bytes come back; retrieves are untouched")
    func scriptedDownloads() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "render me", outcome: .completed, durationSeconds: 10)
            let other = simulator.createVideo(prompt: "other", outcome: .completed, durationSeconds: 10)
            simulator.advance(by: 10)
            let errorBody = #"{"error":{"message":"Video is not ready yet","type":"invalid_request_error","param":null,"code":null}}"#
            #expect(simulator.scriptContent(video.id, faults: [
                .custom(status: 200, body: errorBody), .serverError(status: 503, envelope: .openAI),
            ]))
            #expect(!simulator.scriptContent("video_nope", faults: [.notFound]))

            #expect(try await client.get("/v1/videos/\(video.id)").status == 200, "retrieves are not scripted")
            let json = try await client.get("/v1/videos/\(video.id)/content")
            #expect(json.status == 200 && json.headers["content-type"] == "application/json")
            #expect(json.body == Data(errorBody.utf8) && json.headers["content-length"] == String(errorBody.utf8.count))
            #expect(try await client.get("/v1/videos/\(other.id)/content").headers["content-type"] == "video/mp4")
            #expect(try await client.get("/v1/videos/\(video.id)/content?variant=thumbnail").status == 503)
            let bytes = try await client.get("/v1/videos/\(video.id)/content")
            #expect(bytes.status == 200 && bytes.headers["content-type"] == "video/mp4")
            #expect(bytes.body.dropFirst(4).prefix(4) == Data("ftyp".utf8))
            let faults = simulator.requests().filter { $0.path.hasSuffix("/content") }.map { $0.fault?.name }
            #expect(faults == ["custom", nil, "server_error", nil])
        }
    }

    @Test("a truncated download announces the whole length and closes after half of it")
    func truncatedDownload() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "cut", outcome: .completed, durationSeconds: 10)
            simulator.advance(by: 10)
            simulator.scriptContent(video.id, faults: [], thereafter: .truncatedBody)
            await #expect(throws: (any Error).self) { _ = try await client.get("/v1/videos/\(video.id)/content") }
            #expect(await eventually {
                guard case .truncated(let sent, let declared)? = simulator.requests().last?.delivery else { return false }
                return sent == declared / 2 && declared > 2000
            })
        }
    }

    @Test("a scenario video's content_faults script its downloads")
    func scenario() async throws {
        let text = #"""
            {"videos": [{"id": "video_content", "prompt": "p", "outcome": "completed", "duration": 5,
              "content_faults": [{"fault": "html_error", "status": 502}, {"fault": "normal"}, {"fault": "not_found", "count": "always"}]}]}
            """#
        var configuration = SimulatorConfiguration.testing()
        configuration.scenario = try Scenario.parse(Data(text.utf8))
        #expect(configuration.scenario?.videos.first?.contentFaults == [.htmlError(status: 502), .normal])
        #expect(configuration.scenario?.videos.first?.contentThereafter == .notFound)
        try await withSimulator(configuration) { simulator, client async throws in
            simulator.advance(by: 5)
            #expect(try await client.get("/v1/videos/video_content/content").status == 502)
            #expect(try await client.get("/v1/videos/video_content/content").status == 200)
            #expect(try await client.get("/v1/videos/video_content/content").status == 404)
            #expect(try await client.get("/v1/videos/video_content").status == 200)
        }
    }
}
