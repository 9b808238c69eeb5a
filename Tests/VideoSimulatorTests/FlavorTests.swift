import Foundation
import Testing
@testable import VideoSimulator

@Suite("Flavors: what every flavour shares")
struct FlavorTests {
    /// The headers that carry the key in `flavor`.
    static func auth(_ flavor: Flavor) -> [String: String] {
        flavor == .azure ? ["api-key": "sk-test"] : ["Authorization": "Bearer sk-test"]
    }

    /// The id as a path segment.
    static func segment(_ id: String) -> String {
        LiteLLMFlavorTests.encoded(id)
    }

    @Test("the base URL follows the flavour; the API answers under it only, the control endpoints stay", arguments: Flavor.allCases)
    func basePath(flavor: Flavor) async throws {
        try await withSimulator(.testing(flavor: flavor)) { simulator, client async throws in
            var keyed = client
            keyed.key = nil
            let base = flavor.basePath
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)\(base)")
            let created = try await keyed.create(["prompt": "where"], base: base, headers: Self.auth(flavor))
            #expect(created.status == 200)
            let id = try #require(created.json["id"] as? String)
            #expect(try await keyed.send("GET", "\(base)/videos/\(Self.segment(id))", headers: Self.auth(flavor)).status == 200)
            for other in Set(Flavor.allCases.map(\.basePath)) where other != base {
                let elsewhere = try await keyed.send("GET", "\(other)/videos/\(Self.segment(id))", headers: Self.auth(flavor))
                #expect(elsewhere.status == 404, "\(other) under \(flavor)")
            }
            let health = try await keyed.get("/_simulator/health")
            #expect(health.status == 200 && health.json["flavor"] as? String == flavor.rawValue)
        }
    }

    @Test("ids have the flavour's shape and depend only on the seed", arguments: Flavor.allCases)
    func idShapes(flavor: Flavor) async throws {
        func ids(seed: UInt64) async throws -> [String] {
            try await withSimulator(.testing(seed: seed, flavor: flavor)) { simulator, _ async throws in
                (0..<3).map { simulator.createVideo(prompt: "id \($0)").id }
            }
        }
        let first = try await ids(seed: 3)
        #expect(try await ids(seed: 3) == first)
        #expect(try await ids(seed: 4) != first)
        for id in first {
            switch flavor {
            case .openai, .azure, .comet: #expect(id.hasPrefix("video_") && id.count == 38)
            case .openrouter: #expect(id.hasPrefix("job-"))
            case .together: #expect(UUID(uuidString: id) != nil)
            case .litellm: #expect(LiteLLMVideoID(decoding: id)?.deploymentID?.count == 64)
            }
        }
    }

    @Test("scripted faults come in the flavour's envelope and every answer's request id is logged", arguments: Flavor.allCases)
    func scriptedFaults(flavor: Flavor) async throws {
        try await withSimulator(.testing(flavor: flavor)) { simulator, client async throws in
            var keyed = client
            keyed.key = nil
            let video = simulator.createVideo(prompt: "faulty", faults: [
                .notFound, .serverError(status: 500, envelope: .openAI), .rateLimited(retryAfter: 1),
            ])
            let target = "\(flavor.basePath)/videos/\(Self.segment(video.id))"
            var statuses: [Int] = []
            for _ in 0..<4 {
                let response = try await keyed.send("GET", target, headers: Self.auth(flavor))
                statuses.append(response.status)
                let requestID = response.headers[flavor == .litellm ? "llm_provider-x-request-id" : "x-request-id"]
                #expect(requestID?.hasPrefix("req_") == true)
                guard response.status >= 400 else { continue }
                switch flavor {
                case .openai, .azure:
                    #expect(Set(response.error.keys) == ["message", "type", "param", "code"])
                case .litellm:
                    #expect(response.error["code"] as? String == String(response.status))
                    #expect((response.error["message"] as? String)?.hasPrefix("litellm.") == true)
                case .openrouter:
                    #expect(response.error["code"] as? Int == response.status)
                case .together:
                    #expect(Set(response.error.keys) == ["message", "type", "code"])
                case .comet:
                    #expect(response.error["param"] as? String == "")
                    #expect((response.error["message"] as? String)?.hasSuffix("(request id: \(requestID ?? ""))") == true)
                }
                let retryAfter = response.headers[flavor == .litellm ? "llm_provider-retry-after" : "retry-after"]
                #expect((retryAfter == "1") == (response.status == 429))
            }
            #expect(statuses == [404, 500, 429, 200])
        }
    }

    @Test("random faults work in every flavour, and no broken answer reaches a LiteLLM client", arguments: Flavor.allCases)
    func randomFaults(flavor: Flavor) async throws {
        var configuration = SimulatorConfiguration.testing(seed: 8, flavor: flavor)
        configuration.faultRate = 1
        try await withSimulator(configuration) { simulator, _ async throws in
            let video = simulator.createVideo(prompt: "random", outcome: .completed, durationSeconds: 0)
            for _ in 0..<12 {
                _ = try await RawHTTP.get(
                    port: simulator.port, "\(flavor.basePath)/videos/\(Self.segment(video.id))",
                    key: flavor == .azure ? nil : "sk-test", headers: flavor == .azure ? ["api-key": "sk-test"] : [:],
                    wait: .seconds(2)
                )
            }
            #expect(await eventually { simulator.pendingRequests == 0 })
            let log = simulator.requests()
            #expect(log.count == 12 && log.allSatisfy { $0.fault.map(Fault.transient.contains) == true })
            if flavor == .litellm {
                #expect(log.allSatisfy { $0.delivery == .complete }, "the proxy answers a broken upstream with a 500")
            }
        }
    }

    @Test("the openai flavour is the plain simulator: no links, no flavour fields")
    func openAIUnchanged() async throws {
        try await withSimulator { simulator, client async throws in
            let video = simulator.createVideo(prompt: "plain", outcome: .completed, durationSeconds: 0)
            let response = try await client.get("/v1/videos/\(video.id)")
            #expect(Set(response.json.keys) == [
                "id", "object", "model", "status", "progress", "created_at", "completed_at", "expires_at", "prompt",
                "size", "seconds", "remixed_from_video_id", "error",
            ])
            #expect(try await client.get("/files/anything.mp4").status == 404)
        }
    }
}
