import Foundation
import Testing
import VideoSimulator

@Suite("Scenario files")
struct ScenarioTests {
    /// The example of the documentation, every field used once.
    static let example = """
        {
          "quirks": ["integer_seconds"],
          "reject_all_keys": false,
          "videos": [
            {
              "id": "video_flaky",
              "prompt": "A paper airplane glides across a desk.",
              "model": "sora-2", "seconds": "8", "size": "1280x720",
              "outcome": "completed", "duration": "2m",
              "faults": [
                {"fault": "rate_limited", "retry_after": 1},
                {"fault": "server_error", "status": 503, "envelope": "cometapi", "count": 2},
                {"fault": "normal"},
                {"fault": "slow", "delay": "5s"},
                {"fault": "connection_closed", "count": "always"}
              ]
            },
            {
              "id": "video_blocked",
              "prompt": "A red fox in snow",
              "seconds": 4,
              "outcome": "failed", "error": {"code": "moderation_blocked", "message": "Blocked."},
              "duration": 30,
              "quirks": ["status_synonyms", "extra_fields"],
              "faults": [
                {"fault": "html_error"}, {"fault": "redirect", "location": "https://example.com/"},
                {"fault": "bare_error", "status": 403, "code": null, "message": "user quota is not enough"},
                {"fault": "custom", "status": 418, "body": "teapot", "content_type": "text/plain", "headers": {"x-a": "b"}},
                {"fault": "rate_limited", "retry_after_ms": 250}, {"fault": "truncated_body"}, {"fault": "cut_json"},
                {"fault": "model_not_found"}, {"fault": "invalid_request"}, {"fault": "not_found"}, {"fault": "unauthorized"}
              ]
            },
            {"prompt": "seeded id and plan"}
          ]
        }
        """

    @Test("the documented example parses to exactly what it says")
    func parsesExample() throws {
        let scenario = try Scenario.parse(Data(Self.example.utf8))
        #expect(scenario.quirks == [.integerSeconds])
        #expect(!scenario.rejectAllKeys)
        #expect(scenario.videos.count == 3)
        let flaky = scenario.videos[0]
        #expect(flaky.id == "video_flaky" && flaky.seconds == "8" && flaky.size == "1280x720")
        #expect(flaky.outcome == .completed && flaky.durationSeconds == 120)
        #expect(flaky.faults == [
            .rateLimited(retryAfter: 1), .serverError(status: 503, envelope: .cometAPI),
            .serverError(status: 503, envelope: .cometAPI), .normal, .slow(.seconds(5)),
        ])
        #expect(flaky.thereafter == .connectionClosed)
        let blocked = scenario.videos[1]
        #expect(blocked.seconds == "4" && blocked.model == "sora-2" && blocked.durationSeconds == 30)
        #expect(blocked.outcome == .failed(code: "moderation_blocked", message: "Blocked."))
        #expect(blocked.quirks == [.statusSynonyms, .extraFields])
        #expect(blocked.faults == [
            .htmlError(status: 502), .redirect(status: 301, location: "https://example.com/"),
            .bareError(status: 403, code: nil, message: "user quota is not enough"),
            .custom(status: 418, body: "teapot", contentType: "text/plain", headers: ["x-a": "b"]),
            .rateLimited(retryAfterMs: 250), .truncatedBody, .cutJSON, .modelNotFound, .invalidRequest, .notFound,
            .unauthorized,
        ])
        #expect(blocked.thereafter == nil)
        #expect(scenario.videos[2].id == nil && scenario.videos[2].outcome == nil && scenario.videos[2].faults.isEmpty)
    }

    @Test("a simulator started with a scenario serves its videos under their ids, scripted")
    func startsWithScenario() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.scenario = try Scenario.parse(Data(Self.example.utf8))
        try await withSimulator(configuration) { simulator, client async throws in
            #expect(simulator.videos().count == 3)
            let flaky = try await client.get("/v1/videos/video_flaky")
            #expect(flaky.status == 429 && flaky.headers["retry-after"] == "1")
            #expect(try await client.get("/v1/videos/video_flaky").status == 503)
            #expect(try await client.get("/v1/videos/video_flaky").status == 503)
            let normal = try await client.get("/v1/videos/video_flaky").json
            #expect(normal["seconds"] as? Int == 8, "the global quirk applies")
            let blocked = try await client.get("/v1/videos/video_blocked")
            #expect(blocked.status == 502)
            simulator.advance(by: 30)
            #expect(simulator.video("video_blocked")?.status == "failed")
        }
    }

    @Test("a scenario file is loaded from disk; an unreadable one is a clear error")
    func loadsFile() throws {
        let path = NSTemporaryDirectory() + "scenario-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(#"{"reject_all_keys": true}"#.utf8))
        #expect(try Scenario.load(path: path).rejectAllKeys)
        #expect(throws: ScenarioError.self) { try Scenario.load(path: path + ".missing") }
        do {
            _ = try Scenario.load(path: path + ".missing")
        } catch {
            #expect(error.description.hasPrefix("cannot read the scenario \(path).missing ("))
        }
    }

    @Test("bad scenarios are refused with one line naming the place at fault", arguments: [
        (#"{"video": []}"#, #"unknown field "video""#),
        (#"[]"#, "must be a JSON object"),
        (#"{"videos": {}}"#, "videos: must be a list of videos"),
        (#"{"videos": [{"id": "x"}]}"#, #"videos[0]: missing field "prompt""#),
        (#"{"videos": [{"prompt": ""}]}"#, "videos[0].prompt: must not be empty"),
        (#"{"videos": [{"prompt": "p", "size": "big"}]}"#, "videos[0].size: must be WIDTHxHEIGHT"),
        (#"{"videos": [{"prompt": "p", "seconds": true}]}"#, "videos[0].seconds:"),
        (#"{"videos": [{"prompt": "p", "outcome": "maybe"}]}"#, #"videos[0].outcome: must be "completed" or "failed""#),
        (#"{"videos": [{"prompt": "p", "error": {"code": "x"}}]}"#, #"videos[0].error: is only allowed with "outcome": "failed""#),
        (#"{"videos": [{"prompt": "p", "duration": "soon"}]}"#, "videos[0].duration: must be a duration"),
        (#"{"videos": [{"prompt": "p", "duration": -1}]}"#, "videos[0].duration: must be a duration"),
        (#"{"videos": [{"prompt": "p", "faults": [{"count": 2}]}]}"#, #"videos[0].faults[0]: missing field "fault""#),
        (#"{"videos": [{"prompt": "p", "faults": ["not_found"]}]}"#, "videos[0].faults[0]: must be an object"),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "slow", "status": 500}]}]}"#, #"videos[0].faults[0]: unknown field "status""#),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "server_error", "status": 404}]}]}"#, "videos[0].faults[0].status: must be a whole number from 500 to 599, got 404"),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "server_error", "envelope": "azure"}]}]}"#, "videos[0].faults[0].envelope: must be one of openai, cometapi, cometapi_legacy"),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "rate_limited", "retry_after": 1.5}]}]}"#, "videos[0].faults[0].retry_after: must be a whole number"),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "not_found", "count": "twice"}]}]}"#, "videos[0].faults[0].count: must be a whole number from 1 to 100000, or \"always\""),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "not_found", "count": "always"}, {"fault": "normal"}]}]}"#, "videos[0].faults[1]: comes after a fault with \"count\": \"always\""),
        (#"{"videos": [{"prompt": "p", "faults": [{"fault": "custom"}]}]}"#, #"videos[0].faults[0]: missing field "status""#),
        (#"{"videos": [{"prompt": "p", "quirks": ["upside_down"]}]}"#, #"videos[0].quirks[0]: unknown quirk "upside_down""#),
        (#"{"reject_all_keys": "yes"}"#, "reject_all_keys: must be true or false"),
        (#"{"videos": [{"id": "a b", "prompt": "p"}]}"#, #"videos[0].id: "a b" is not a usable id"#),
        (#"{"videos": [{"id": "v", "prompt": "p"}, {"id": "v", "prompt": "q"}]}"#, "videos[1].id: the id v appears twice"),
        (#"{"videos": ["#, "is not valid JSON"),
    ])
    func refusesBadScenarios(text: String, expected: String) throws {
        do {
            _ = try Scenario.parse(Data(text.utf8), source: "test.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.contains("test.json"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("starting with a programmatic scenario whose ids repeat is refused")
    func duplicateIDsAtStart() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.scenario = Scenario(videos: [ScriptedVideo(id: "v", prompt: "a"), ScriptedVideo(id: "v", prompt: "b")])
        await #expect(throws: ScenarioError.self) { _ = try await VideoSimulator.start(configuration) }
    }

    @Test("POST /_simulator/videos creates one scripted video; GET /_simulator/requests lists what was sent")
    func controlEndpoints() async throws {
        try await withSimulator { simulator, client async throws in
            var anonymous = client
            anonymous.key = nil
            let body = Data(#"{"id": "video_control", "prompt": "p", "faults": [{"fault": "connection_closed"}]}"#.utf8)
            let created = try await anonymous.send("POST", "/_simulator/videos", body: body, contentType: "application/json")
            #expect(created.status == 200 && created.json["id"] as? String == "video_control")
            let again = try await anonymous.send("POST", "/_simulator/videos", body: body, contentType: "application/json")
            #expect(again.status == 400 && (again.error["message"] as? String)?.contains("already exists") == true)
            let bad = try await anonymous.send(
                "POST", "/_simulator/videos", body: Data(#"{"prompt": "p", "colour": 1}"#.utf8), contentType: "application/json")
            #expect(bad.status == 400 && (bad.error["message"] as? String)?.contains(#"unknown field "colour""#) == true)

            _ = try await RawHTTP.get(port: simulator.port, "/v1/videos/video_control")
            #expect(try await client.get("/v1/videos/video_control").status == 200)
            #expect(await eventually { simulator.requests().count == 2 && simulator.requests()[1].delivery == .complete })
            let listed = try await anonymous.get("/_simulator/requests")
            let entries = try #require(try JSONSerialization.jsonObject(with: listed.body) as? [[String: Any]])
            #expect(entries.map { $0["delivery"] as? String } == ["closed_without_response", "complete"])
            #expect(entries.map { $0["fault"] as? String } == ["connection_closed", nil])
            #expect(entries.allSatisfy { $0["arrived_ms"] is Double || $0["arrived_ms"] is Int })
            let responses = try await anonymous.get("/_simulator/responses")
            let sent = try #require(try JSONSerialization.jsonObject(with: responses.body) as? [[String: Any]])
            #expect(sent.count == 1, "the dropped answer is not a response")
        }
    }
}
