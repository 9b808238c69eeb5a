import Foundation
import Testing
import VideoSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Refused connections and hanging answers")
struct RefuseAndHangTests {
    @Test("a refusing port is held bound but refuses every connection; its base URL follows the flavour")
    func refusingPort() async throws {
        let refusing = try RefusingPort.reserve()
        #expect(refusing.port > 0)
        #expect(refusing.baseURL().absoluteString == "http://127.0.0.1:\(refusing.port)/v1")
        #expect(refusing.baseURL(flavor: .openrouter).absoluteString == "http://127.0.0.1:\(refusing.port)/api/v1")
        #expect(RawHTTP.connectError(port: refusing.port) == ECONNREFUSED)
        #expect(RawHTTP.connectError(port: refusing.port) == ECONNREFUSED, "still refused")
        await #expect(throws: SimulatorError.self, "nothing else can listen there meanwhile") {
            _ = try await VideoSimulator.start(.testing(), port: refusing.port)
        }
        #expect(throws: SimulatorError.self) { _ = try RefusingPort.reserve(port: refusing.port) }
    }

    @Test("a hanging simulator reads requests, never answers, logs them pending, and notes when the client goes")
    func hang() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.hang = true
        try await withSimulator(configuration) { simulator, client async throws in
            let exchange = try await RawHTTP.get(port: simulator.port, "/v1/videos", giveUpAfter: .milliseconds(400))
            #expect(exchange.bytes.isEmpty && !exchange.closedByServer, "no byte, and the connection stayed open")
            #expect(await eventually { simulator.requests().first?.delivery == .clientGone })
            let logged = try #require(simulator.requests().first)
            #expect(logged.path == "/v1/videos" && logged.status == 0 && logged.authSent)

            let waiting = Task { try await RawHTTP.get(port: simulator.port, "/v1/videos/video_x", key: nil, wait: .seconds(20)) }
            #expect(await eventually { simulator.requests().count == 2 })
            #expect(simulator.requests()[1].delivery == .pending && !simulator.requests()[1].authSent)
            #expect(simulator.pendingRequests == 1)
            let health = try await client.get("/_simulator/health")
            #expect(health.status == 200 && health.json["pending"] as? Int == 1, "control endpoints still answer")
            let entries = try JSONSerialization.jsonObject(with: try await client.get("/_simulator/requests").body) as? [[String: Any]]
            #expect(entries?.last?["delivery"] as? String == "pending")

            await simulator.stop()
            let held = try await waiting.value
            #expect(held.bytes.isEmpty && held.closedByServer)
            #expect(await eventually { simulator.requests()[1].delivery == .closedWithoutResponse })
            #expect(simulator.responses().isEmpty)
        }
    }
}
