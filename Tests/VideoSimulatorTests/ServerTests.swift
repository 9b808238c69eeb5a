import Foundation
import Testing
import VideoSimulator

@Suite("Server lifecycle and determinism")
struct ServerTests {
    /// Drives a simulator through a fixed script and returns every response body and request id, in order.
    static func script(seed: UInt64) async throws -> [String] {
        try await withSimulator(.testing(seed: seed, failureRate: 0.5)) { simulator, client async throws in
            var transcript: [String] = []
            var ids: [String] = []
            for index in 0..<6 {
                let created = try await client.create(["prompt": "deterministic \(index)", "seconds": "8"])
                transcript.append(created.text + (created.headers["x-request-id"] ?? "-"))
                ids.append(created.json["id"] as? String ?? "")
            }
            for _ in 0..<30 {
                simulator.advance(by: 10)
                for id in ids {
                    let response = try await client.get("/v1/videos/\(id)")
                    transcript.append(response.text + (response.headers["x-request-id"] ?? "-"))
                }
            }
            transcript.append(try await client.get("/v1/videos?limit=100").text)
            return transcript
        }
    }

    @Test("two simulators with the same seed and the same steps give identical ids, outcomes and request ids")
    func determinism() async throws {
        let first = try await ServerTests.script(seed: 9)
        let second = try await ServerTests.script(seed: 9)
        #expect(first == second)
        let finals = first.suffix(7).first ?? ""
        #expect(finals.contains("\"status\":\"completed\"") || finals.contains("\"status\":\"failed\""))
        let other = try await ServerTests.script(seed: 10)
        #expect(other.first != first.first, "another seed gives other ids")
    }

    @Test("stop returns promptly and the port stops accepting connections", .timeLimit(.minutes(1)))
    func stopIsPrompt() async throws {
        let simulator = try await VideoSimulator.start(.testing())
        let client = TestClient(simulator)
        #expect(try await client.get("/v1/videos").status == 200, "a kept-alive connection is open")
        // Promptly: it closes the kept-alive connection instead of waiting for it to go idle. The simulator has no
        // idle timeout and the client keeps the connection open, so a stop that waited on it would never return
        // (the time limit above only turns such a hang into a failure).
        await simulator.stop()
        await #expect(throws: (any Error).self) { _ = try await client.get("/v1/videos") }
    }

    @Test("concurrent requests over many connections are all answered and logged")
    func concurrentRequests() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "busy").id
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var statuses: [Int] = []
                        for _ in 0..<25 { statuses.append(try await client.get("/v1/videos/\(id)").status) }
                        return statuses
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.count == 400)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(await eventually { simulator.responses().count == 400 })
            #expect(Set(simulator.responses().map(\.requestID)).count == 400)
        }
    }

    @Test("starting on a port that is taken fails with a readable error")
    func portInUse() async throws {
        try await withSimulator { simulator, _ async throws in
            await #expect(throws: SimulatorError.self) {
                _ = try await VideoSimulator.start(.testing(), port: simulator.port)
            }
        }
    }

    @Test("the base URL is http://127.0.0.1:PORT/v1")
    func baseURL() async throws {
        try await withSimulator { simulator, _ async throws in
            #expect(simulator.port > 0)
            #expect(simulator.baseURL.absoluteString == "http://127.0.0.1:\(simulator.port)/v1")
        }
    }
}
