import Foundation
import Testing
import VideoSimulator

@Suite("Headers and the response log")
struct ResponseLogTests {
    @Test("every response carries a unique x-request-id and is logged once, in order, with its exact body")
    func everyResponseLogged() async throws {
        try await withSimulator { simulator, client async throws in
            var received: [TestResponse] = []
            let created = try await client.create(["prompt": "logged"])
            received.append(created)
            let id = try #require(created.json["id"] as? String)
            received.append(try await client.get("/v1/videos/\(id)"))
            received.append(try await client.get("/v1/videos/video_missing"))
            received.append(try await client.get("/v1/videos?limit=1"))
            received.append(try await client.create([:]))
            received.append(try await client.get("/v1/videos/\(id)/content"))
            var anonymous = client
            anonymous.key = nil
            received.append(try await anonymous.get("/v1/videos"))
            _ = try await client.send("POST", "/_simulator/advance?seconds=1", headers: [:])

            #expect(await eventually { simulator.responses().count == received.count })
            let log = simulator.responses()
            #expect(log.count == received.count, "control endpoints are not logged")
            let ids = received.compactMap { $0.headers["x-request-id"] }
            #expect(ids.count == received.count)
            #expect(Set(ids).count == ids.count, "request ids are unique")
            #expect(ids.allSatisfy { $0.hasPrefix("req_") && $0.count == 4 + 32 })
            #expect(log.map(\.requestID) == ids)
            #expect(log.map(\.status) == received.map(\.status))
            #expect(log.map(\.body) == received.map(\.body))
            #expect(log.map(\.status) == [200, 200, 404, 200, 400, 400, 401])
            #expect(log[0].method == "POST" && log[0].path == "/v1/videos" && log[0].videoID == id)
            #expect(log[2].videoID == "video_missing")
            #expect(log[3].query == "limit=1")
            for response in received {
                #expect(response.headers["openai-version"] == "2020-10-01")
                #expect(response.headers["content-type"] != nil)
            }
        }
    }

    @Test("retrieve of an unfinished job carries openai-poll-after-ms when configured, a finished one does not")
    func pollAfterHeader() async throws {
        try await withSimulator(.testing(pollAfterMs: 2500)) { simulator, client async throws in
            let video = simulator.createVideo(prompt: "poll", outcome: .completed, durationSeconds: 10)
            #expect(try await client.get("/v1/videos/\(video.id)").headers["openai-poll-after-ms"] == "2500")
            simulator.advance(by: 10)
            #expect(try await client.get("/v1/videos/\(video.id)").headers["openai-poll-after-ms"] == nil)
        }
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "no hint")
            #expect(try await client.get("/v1/videos/\(video.id)").headers["openai-poll-after-ms"] == nil)
        }
    }

    @Test("control endpoints advance the clock, report health and list logged responses without auth")
    func controlEndpoints() async throws {
        try await withSimulator { simulator, client async throws in
            var anonymous = client
            anonymous.key = nil
            let advanced = try await anonymous.send("POST", "/_simulator/advance?seconds=90")
            #expect(advanced.status == 200)
            #expect(advanced.json["now"] as? Int == 1_790_000_090)
            #expect(simulator.now == Date(timeIntervalSince1970: 1_790_000_090))
            #expect(try await anonymous.send("POST", "/_simulator/advance?seconds=-5").status == 400)

            _ = try await client.create(["prompt": "one"])
            #expect(await eventually { simulator.responses().count == 1 })
            let health = try await anonymous.get("/_simulator/health").json
            #expect(health["status"] as? String == "ok")
            #expect(health["videos"] as? Int == 1)
            #expect(health["api_key_required"] as? Bool == true)

            let listed = try await anonymous.get("/_simulator/responses")
            let entries = try #require(try JSONSerialization.jsonObject(with: listed.body) as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["request_id"] as? String == simulator.responses().first?.requestID)
            #expect(entries.first?["body"] as? String == simulator.responses().first?.bodyText)
        }
    }

    @Test("path segments are percent-decoded")
    func percentDecodedPath() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "encoded")
            let encoded = video.id.replacingOccurrences(of: "_", with: "%5F")
            let response = try await client.get("/v1/videos/\(encoded)")
            #expect(response.status == 200)
            #expect(response.json["id"] as? String == video.id)
        }
    }

    @Test("the configured latency delays every response")
    func latency() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.latency = .milliseconds(150)
        try await withSimulator(configuration) { _, client async throws in
            let started = ContinuousClock.now
            let response = try await client.get("/v1/videos")
            #expect(response.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(150))
            #expect(response.headers["openai-processing-ms"] == "150")
        }
    }
}
