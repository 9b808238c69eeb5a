import Foundation
import Testing
import VideoSimulator

@Suite("listing refusal, moderation at create, logged forms")
struct ListingAndModerationTests {
    @Test("a simulator told to refuse listing answers 404, 405 or an HTML page; other endpoints still work")
    func refusesListing() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.listing = .notFound
        try await withSimulator(configuration) { _, client in
            let response = try await client.get("/v1/videos?limit=10&order=desc")
            #expect(response.status == 404)
            #expect(response.error["message"] as? String == "Invalid URL (GET /v1/videos)")
            #expect(try await client.create(["prompt": "still creates"]).status == 200)
        }
        configuration.listing = .methodNotAllowed
        try await withSimulator(configuration) { _, client in
            let response = try await client.get("/v1/videos")
            #expect(response.status == 405)
            #expect(response.headers["allow"] == "POST")
        }
        configuration.listing = .html
        try await withSimulator(configuration) { _, client in
            let response = try await client.get("/v1/videos")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(response.text.contains("<title>Video console</title>"))
        }
    }

    @Test("a scenario's listing and blocked_terms are read; a bad value names the field")
    func scenarioFields() throws {
        let scenario = try Scenario.parse(Data(#"{"listing":"method_not_allowed","blocked_terms":["gore","Spoiler"]}"#.utf8))
        #expect(scenario.listing == .methodNotAllowed)
        #expect(scenario.blockedTerms == ["gore", "Spoiler"])
        #expect(try Scenario.parse(Data("{}".utf8)).listing == nil)
        #expect(throws: ScenarioError.self) { try Scenario.parse(Data(#"{"listing":"sometimes"}"#.utf8)) }
        do {
            _ = try Scenario.parse(Data(#"{"blocked_terms":["ok",""]}"#.utf8), source: "s.json")
            Issue.record("an empty term was accepted")
        } catch {
            #expect(error.description.contains("blocked_terms[1]"))
        }
    }

    @Test("a prompt holding a blocked term creates a job that is failed in the create answer itself")
    func moderationAtCreate() async throws {
        var configuration = SimulatorConfiguration.testing(failureRate: 0)
        configuration.scenario = Scenario(blockedTerms: ["Forbidden"])
        try await withSimulator(configuration) { simulator, client in
            let blocked = try await client.create(["prompt": "a FORBIDDEN scene"])
            #expect(blocked.status == 200)
            #expect(blocked.json["status"] as? String == "failed")
            #expect(blocked.json["progress"] as? Int == 0)
            let error = try #require(blocked.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "moderation_blocked")
            let id = try #require(blocked.json["id"] as? String)
            #expect(simulator.video(id)?.status == "failed")

            let fine = try await client.create(["prompt": "a calm lake"])
            #expect(fine.json["status"] as? String == "queued")
        }
    }

    @Test("the request log keeps the content type and the fields of create and remix bodies, files included")
    func loggedForms() async throws {
        try await withSimulator(.testing(failureRate: 0)) { simulator, client in
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A])
            let created = try await client.postMultipart(
                "/v1/videos", fields: [("prompt", "with a frame"), ("seconds", "8")],
                files: [(name: "input_reference", filename: "frame.png", data: png)])
            #expect(created.status == 200)
            let source = simulator.createVideo(prompt: "source", outcome: .completed, durationSeconds: 0).id
            #expect(try await client.send("POST", "/v1/videos/\(source)/remix", body: Data(#"{"prompt":"again"}"#.utf8), contentType: "application/json").status == 200)
            _ = try await client.get("/v1/videos")

            let requests = simulator.requests()
            try #require(requests.count == 3)
            #expect(requests[0].contentType?.hasPrefix("multipart/form-data; boundary=") == true)
            let form = try #require(requests[0].form)
            #expect(form.map(\.name) == ["prompt", "seconds", "input_reference"])
            #expect(form.map(\.text).prefix(2) == ["with a frame", "8"])
            #expect(form[2].filename == "frame.png" && form[2].data == png)
            #expect(requests[1].contentType == "application/json")
            #expect(requests[1].form?.map(\.name) == ["prompt"] && requests[1].form?.first?.text == "again")
            #expect(requests[2].form == nil)

            let log = try await client.get("/_simulator/requests")
            let entries = try #require(try JSONSerialization.jsonObject(with: log.body) as? [[String: Any]])
            let parts = try #require(entries[0]["form"] as? [[String: Any]])
            #expect(parts.map { $0["name"] as? String } == ["prompt", "seconds", "input_reference"])
            #expect(parts[2]["bytes"] as? Int == png.count && parts[2]["value"] is NSNull)
            #expect(parts[0]["value"] as? String == "with a frame")
        }
    }
}
