import Foundation
import Testing
@testable import VideoSimulator

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("faults apply to successive retrieves in order, then answers are normal again; other videos are untouched")
    func scriptOrder() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(
                prompt: "scripted", id: "video_scripted", faults: [.notFound, .normal, .rateLimited(retryAfter: 2), .notFound]
            ).id
            let other = simulator.createVideo(prompt: "plain").id
            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(try await client.get("/v1/videos/\(id)").status)
                #expect(try await client.get("/v1/videos/\(other)").status == 200)
            }
            #expect(statuses == [404, 200, 429, 404, 200, 200])
            #expect(try await client.get("/v1/videos").status == 200, "only retrieves are faulted")
            let faults = simulator.requests().filter { $0.videoID == id }.map { $0.fault?.name }
            #expect(faults == ["not_found", nil, "rate_limited", "not_found", nil, nil])
        }
    }

    @Test("a fault given as thereafter applies to every retrieve after the list; script() replaces a script")
    func thereafter() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "gone", faults: [.rateLimited()], thereafter: .notFound).id
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await client.get("/v1/videos/\(id)").status) }
            #expect(statuses == [429, 404, 404, 404])
            #expect(simulator.script(id, faults: [.htmlError(status: 504)]))
            #expect(try await client.get("/v1/videos/\(id)").status == 504)
            #expect(try await client.get("/v1/videos/\(id)").status == 200)
            #expect(!simulator.script("video_unknown", faults: [.notFound]))
        }
    }

    @Test("429 carries retry-after and retry-after-ms as asked, in OpenAI's envelope")
    func rateLimitHeaders() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(
                prompt: "busy", faults: [.rateLimited(retryAfter: 3), .rateLimited(retryAfterMs: 1500), .rateLimited()]
            ).id
            let seconds = try await client.get("/v1/videos/\(id)")
            #expect(seconds.status == 429)
            #expect(seconds.headers["retry-after"] == "3" && seconds.headers["retry-after-ms"] == nil)
            #expect(seconds.error["code"] as? String == "rate_limit_exceeded")
            #expect(seconds.error["type"] as? String == "requests")
            let milliseconds = try await client.get("/v1/videos/\(id)")
            #expect(milliseconds.headers["retry-after-ms"] == "1500" && milliseconds.headers["retry-after"] == nil)
            let bare = try await client.get("/v1/videos/\(id)")
            #expect(bare.status == 429 && bare.headers["retry-after"] == nil && bare.headers["retry-after-ms"] == nil)
        }
    }

    @Test("server errors come in OpenAI's envelope and in both CometAPI envelopes, with the request id in the message")
    func serverErrorEnvelopes() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "down", model: "sora-2-pro", faults: [
                .serverError(status: 500, envelope: .openAI), .serverError(status: 503, envelope: .cometAPI),
                .serverError(status: 500, envelope: .cometAPILegacy), .modelNotFound, .invalidRequest,
            ]).id
            let openAI = try await client.get("/v1/videos/\(id)")
            #expect(openAI.status == 500)
            #expect(Set(openAI.error.keys) == ["message", "type", "param", "code"])
            #expect(openAI.error["type"] as? String == "server_error" && openAI.error["code"] is NSNull)

            let comet = try await client.get("/v1/videos/\(id)")
            let cometID = try #require(comet.headers["x-request-id"])
            #expect(comet.status == 503)
            #expect(comet.error["type"] as? String == "comet_api_error")
            #expect(comet.error["param"] as? String == "" && comet.error["code"] as? String == "")
            #expect((comet.error["message"] as? String)?.hasSuffix("(request id: \(cometID))") == true)

            let legacy = try await client.get("/v1/videos/\(id)")
            #expect(legacy.status == 500)
            #expect(Set(legacy.error.keys) == ["code", "message", "type"], "the older shape has no param")
            #expect(legacy.text.hasPrefix(#"{"error":{"code":"","message":"#))

            let noModel = try await client.get("/v1/videos/\(id)")
            #expect(noModel.status == 503)
            #expect(noModel.error["code"] as? String == "model_not_found")
            #expect((noModel.error["message"] as? String)?.hasPrefix(
                "no available channel for group default and model sora-2-pro (distributor) (request id: req_") == true)

            let invalid = try await client.get("/v1/videos/\(id)")
            #expect(invalid.status == 500)
            #expect(invalid.error["code"] as? String == "invalid_request" && invalid.error["param"] as? String == "")
        }
    }

    @Test("an HTML error page, a bare error body, 404, 401 and a custom response")
    func otherErrorBodies() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "odd", id: "video_odd", faults: [
                .htmlError(status: 502), .bareError(), .notFound, .unauthorized,
                .custom(status: 524, body: "origin timeout", contentType: "text/plain", headers: ["x-should-retry": "true"]),
            ]).id
            let html = try await client.get("/v1/videos/\(id)")
            #expect(html.status == 502 && html.headers["content-type"] == "text/html")
            #expect(html.text.contains("<title>502 Bad Gateway</title>"))
            let bare = try await client.get("/v1/videos/\(id)")
            #expect(bare.status == 403 && bare.text == #"{"code":null,"message":"user quota is not enough"}"#)
            let missing = try await client.get("/v1/videos/\(id)")
            #expect(missing.status == 404 && missing.error["message"] as? String == "Video with id 'video_odd' not found.")
            let refused = try await client.get("/v1/videos/\(id)")
            #expect(refused.status == 401 && refused.error["code"] as? String == "invalid_api_key")
            let custom = try await client.get("/v1/videos/\(id)")
            #expect(custom.status == 524 && custom.text == "origin timeout")
            #expect(custom.headers["x-should-retry"] == "true" && custom.headers["content-type"] == "text/plain")
            #expect(custom.headers["x-request-id"]?.hasPrefix("req_") == true)
        }
    }

    @Test("a redirect carries its Location and an HTML page")
    func redirect() async throws {
        try await withSimulator { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "moved", faults: [.redirect(), .redirect(status: 308, location: "https://elsewhere.example/v1")]).id
            let first = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(first.status == 301 && first.header("location") == "/v1/videos/\(id)/")
            #expect(String(decoding: first.body, as: UTF8.self).contains("301 Moved Permanently"))
            let second = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(second.status == 308 && second.header("location") == "https://elsewhere.example/v1")
        }
    }

    @Test("a truncated body announces the whole length, sends part of it and closes; it is not a logged response")
    func truncatedBody() async throws {
        try await withSimulator { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "cut short", faults: [.truncatedBody]).id
            let exchange = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(exchange.closedByServer)
            #expect(exchange.status == 200)
            let declared = try #require(exchange.header("content-length").flatMap { Int($0) })
            #expect(exchange.body.count > 0 && exchange.body.count < declared)
            #expect(await eventually { simulator.pendingRequests == 0 })
            #expect(simulator.requests().first?.delivery == .truncated(sentBytes: exchange.body.count, declaredBytes: declared))
            #expect(simulator.responses().isEmpty)
        }
    }

    @Test("a cut JSON body is a complete response whose length matches what was sent")
    func cutJSON() async throws {
        try await withSimulator { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "half", faults: [.cutJSON]).id
            let exchange = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(exchange.status == 200)
            #expect(exchange.header("content-length") == String(exchange.body.count))
            #expect((try? JSONSerialization.jsonObject(with: Data(exchange.body))) == nil, "the JSON does not parse")
            #expect(await eventually { simulator.responses().count == 1 })
            #expect(simulator.responses().first?.fault == .cutJSON)
            #expect(simulator.responses().first?.body == Data(exchange.body))
        }
    }

    @Test("a closed connection sends nothing; it is logged as closed without response")
    func connectionClosed() async throws {
        try await withSimulator { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "dropped", faults: [.connectionClosed]).id
            let exchange = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(exchange.closedByServer && exchange.bytes.isEmpty)
            #expect(await eventually { simulator.requests().first?.delivery == .closedWithoutResponse })
            #expect(simulator.responses().isEmpty)
        }
    }

    @Test("a slow answer the client gave up on is logged as client gone, never as a response")
    func slowAnswerAfterClientLeft() async throws {
        try await withSimulator { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "slow", faults: [.slow(.milliseconds(600))]).id
            let exchange = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)", giveUpAfter: .milliseconds(100))
            #expect(exchange.bytes.isEmpty && !exchange.closedByServer)
            #expect(await eventually(within: .seconds(3)) { simulator.requests().first?.delivery == .clientGone })
            #expect(simulator.responses().isEmpty)
            let patient = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(patient.status == 200, "the next answer is normal")
        }
    }

    @Test("a slow answer within the client's patience arrives whole, after the delay")
    func slowAnswerArrives() async throws {
        try await withSimulator { simulator, client async throws in
            // A delay long enough that a test task starved by a loaded machine still sees the answer pending.
            let id = simulator.createVideo(prompt: "slow but fine", faults: [.slow(.seconds(3))]).id
            let started = ContinuousClock.now
            let answer = Task { try await client.get("/v1/videos/\(id)").status }
            #expect(await eventually { simulator.pendingRequests == 1 }, "the answer waits for its delay")
            #expect(simulator.requests().first?.delivery == .pending)
            #expect(try await answer.value == 200)
            #expect(ContinuousClock.now - started >= .seconds(3))
            #expect(await eventually { simulator.pendingRequests == 0 })
            let logged = try #require(simulator.requests().first)
            let answeredAt = try #require(logged.answeredAt)
            #expect(logged.arrivedAt.duration(to: answeredAt) >= .seconds(3))
            #expect(await eventually { simulator.responses().first?.fault == .slow(.seconds(3)) })
        }
    }

    @Test("reject-all-keys answers 401 invalid_api_key to every request, even with the right key")
    func rejectAllKeys() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.rejectAllKeys = true
        try await withSimulator(configuration) { simulator, client async throws in
            let id = simulator.createVideo(prompt: "locked", faults: [.notFound]).id
            for target in ["/v1/videos", "/v1/videos/\(id)", "/v1/videos/\(id)/content"] {
                let response = try await client.get(target)
                #expect(response.status == 401)
                #expect(response.error["code"] as? String == "invalid_api_key")
            }
            #expect(try await client.create(["prompt": "x"]).status == 401)
            #expect(simulator.requests().allSatisfy { $0.fault == nil }, "a refused request uses no fault")
        }
    }

    @Test("random faults: only transient ones, about the asked share, the same for the same seed and request order")
    func randomFaultDraws() {
        func draws(seed: UInt64, rate: Double = 0.3) -> [Fault?] {
            var configuration = SimulatorConfiguration.testing(seed: seed)
            configuration.faultRate = rate
            var state = SimulatorState(configuration: configuration)
            return (0..<2000).map { index in state.nextFault(forRetrieveOf: "video_\(index % 7)") }
        }
        let first = draws(seed: 21)
        #expect(draws(seed: 21) == first)
        #expect(draws(seed: 22) != first)
        let faulted = first.compactMap { $0 }
        #expect((500...700).contains(faulted.count), "\(faulted.count) of 2000 at rate 0.3")
        #expect(Set(faulted) == Set(Fault.transient), "every transient fault is drawn, and only those")
        #expect(draws(seed: 21, rate: 0).allSatisfy { $0 == nil })
    }

    @Test("random faults go on the wire in the drawn order and are logged with what was sent")
    func randomFaultsOnTheWire() async throws {
        var configuration = SimulatorConfiguration.testing(seed: 8)
        configuration.faultRate = 0.5
        var expected = SimulatorState(configuration: configuration)
        try await withSimulator(configuration) { simulator, _ async throws in
            let id = simulator.createVideo(prompt: "random", outcome: .completed, durationSeconds: 0).id
            for _ in 0..<30 { _ = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)", wait: .seconds(2)) }
            #expect(await eventually { simulator.pendingRequests == 0 })
            let log = simulator.requests()
            #expect(log.map(\.fault) == (0..<30).map { _ in expected.nextFault(forRetrieveOf: id) })
            for entry in log {
                switch entry.fault {
                case .truncatedBody?: #expect(entry.delivery != .complete)
                case .connectionClosed?: #expect(entry.delivery == .closedWithoutResponse)
                default: #expect(entry.delivery == .complete)
                }
            }
            #expect(simulator.responses().count == log.filter(\.isComplete).count)
        }
    }

    @Test("a scripted fault, even normal, takes precedence over a random one")
    func scriptBeatsRandom() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.faultRate = 1
        try await withSimulator(configuration) { simulator, client async throws in
            let id = simulator.createVideo(prompt: "scripted", faults: [.normal, .notFound]).id
            #expect(try await client.get("/v1/videos/\(id)").status == 200)
            #expect(try await client.get("/v1/videos/\(id)").status == 404)
            _ = try await RawHTTP.get(port: simulator.port, "/v1/videos/\(id)")
            #expect(await eventually { simulator.requests().count == 3 && simulator.pendingRequests == 0 })
            #expect(simulator.requests()[2].fault.map { Fault.transient.contains($0) } == true)
        }
    }

    @Test("jitter adds a seeded delay between 0 and the jitter on top of the latency")
    func jitter() async throws {
        func delays(seed: UInt64) async throws -> [Int] {
            var configuration = SimulatorConfiguration.testing(seed: seed)
            configuration.latency = .milliseconds(10)
            configuration.jitter = .milliseconds(40)
            return try await withSimulator(configuration) { _, client async throws in
                var delays: [Int] = []
                for _ in 0..<12 {
                    let started = ContinuousClock.now
                    let response = try await client.get("/v1/videos")
                    let milliseconds = try #require(response.headers["openai-processing-ms"].flatMap { Int($0) })
                    #expect(ContinuousClock.now - started >= .milliseconds(milliseconds - 1))
                    delays.append(milliseconds)
                }
                return delays
            }
        }
        let first = try await delays(seed: 5)
        #expect(first.allSatisfy { (10...50).contains($0) }, "\(first)")
        #expect(Set(first).count > 3, "the delays vary: \(first)")
        #expect(try await delays(seed: 5) == first)
    }

    @Test("the request log times arrivals on the real clock, in order, with the request id of each answer")
    func requestLog() async throws {
        try await withSimulator { simulator, client async throws in
            let id = simulator.createVideo(prompt: "logged", faults: [.rateLimited(retryAfter: 1)]).id
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try #require(try await client.get("/v1/videos/\(id)").headers["x-request-id"])) }
            #expect(await eventually { simulator.requests().allSatisfy { $0.delivery == .complete } })
            let log = simulator.requests()
            #expect(log.map(\.sequence) == [0, 1, 2])
            #expect(log.map(\.requestID) == ids)
            #expect(log.map(\.status) == [429, 200, 200])
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.arrivedAt <= $1.arrivedAt })
            for entry in log {
                let answered = try #require(entry.answeredAt)
                let finished = try #require(entry.finishedAt)
                #expect(entry.arrivedAt <= answered && answered <= finished)
            }
            #expect(simulator.responses().map(\.requestID) == ids)
            #expect(simulator.responses().first?.fault == .rateLimited(retryAfter: 1))
        }
    }
}
