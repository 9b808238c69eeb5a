import Foundation
import Testing
import VideoSimulator

@Suite("Proxy quirks")
struct QuirkTests {
    @Test("millisecond timestamps, integer seconds, extra fields, status synonyms and missing nulls, per job")
    func everyVideoQuirk() async throws {
        try await withSimulator { simulator, client async throws in
            let quirks: Set<Quirk> = [.millisecondTimestamps, .integerSeconds, .extraFields, .omitNullKeys, .statusSynonyms]
            let id = simulator.createVideo(prompt: "proxied", seconds: "8", outcome: .completed, durationSeconds: 100, quirks: quirks).id
            let plain = simulator.createVideo(prompt: "plain").id

            let queued = try await client.get("/v1/videos/\(id)").json
            #expect(queued["status"] as? String == "submitted")
            #expect(queued["seconds"] as? Int == 8)
            #expect(queued["created_at"] as? Int == 1_790_000_000_000)
            #expect(queued["completed_at"] == nil && queued["expires_at"] == nil && queued["error"] == nil)
            #expect(queued["remixed_from_video_id"] == nil)
            #expect(queued["task_id"] as? String == id && queued["quality"] as? String == "standard")
            #expect(queued["video_url"] == nil, "no download link before completion")

            simulator.advance(by: 50)
            #expect(try await client.get("/v1/videos/\(id)").json["status"] as? String == "processing")
            simulator.advance(by: 50)
            let done = try await client.get("/v1/videos/\(id)").json
            #expect(done["status"] as? String == "succeeded")
            #expect(done["completed_at"] as? Int == 1_790_000_100_000)
            #expect(done["expires_at"] as? Int == 1_790_003_700_000)
            #expect(done["video_url"] as? String == "https://assets.simulator.invalid/videos/\(id).mp4")

            let untouched = try await client.get("/v1/videos/\(plain)").json
            #expect(untouched["status"] as? String == "completed" || untouched["status"] as? String == "failed"
                || untouched["status"] as? String == "in_progress" || untouched["status"] as? String == "queued")
            #expect(untouched["seconds"] as? String == "4" && untouched["created_at"] as? Int == 1_790_000_000)
            #expect(untouched.keys.count == 13)
        }
    }

    @Test("a failed job's status is error under status synonyms")
    func errorSynonym() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(
                prompt: "fails", outcome: .failed(code: "generation_failed", message: "No."), durationSeconds: 0,
                quirks: [.statusSynonyms]
            ).id
            let failed = try await client.get("/v1/videos/\(id)").json
            #expect(failed["status"] as? String == "error")
            #expect((failed["error"] as? [String: Any])?["code"] as? String == "generation_failed")
        }
    }

    @Test("global quirks reshape create, list and retrieve; bare errors drop the envelope")
    func globalQuirks() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.quirks = [.statusSynonyms, .integerSeconds, .bareErrors]
        try await withSimulator(configuration) { simulator, client async throws in
            let created = try await client.create(["prompt": "global", "seconds": "12"])
            #expect(created.json["status"] as? String == "submitted" && created.json["seconds"] as? Int == 12)
            let page = try await client.get("/v1/videos").json
            let first = try #require((page["data"] as? [[String: Any]])?.first)
            #expect(first["status"] as? String == "submitted")
            let missing = try await client.get("/v1/videos/video_nothing")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"code":null,"message":"Video with id 'video_nothing' not found."}"#)
            #expect(simulator.video(try #require(created.json["id"] as? String))?.status == "queued",
                    "quirks reshape the wire only")
        }
    }

    @Test("bare errors per job apply to that job's faulted answers")
    func bareErrorsPerJob() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "bare", faults: [.serverError(status: 503, envelope: .openAI)], quirks: [.bareErrors]).id
            let response = try await client.get("/v1/videos/\(id)")
            #expect(response.status == 503)
            #expect(response.text == #"{"code":null,"message":"The server is overloaded or not ready yet."}"#)
        }
    }
}
