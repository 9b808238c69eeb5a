import Foundation
import Synchronization
import SyncEngine
import Testing
import VideoAPI

/// Heartbeats over a scripted transport: what is sent where, retries, and that the secret never shows.
@Suite("Heartbeat")
struct HeartbeatTests {
    /// A transport answering from a script, remembering every request and every wait.
    final class Script: Sendable {
        private let state: Mutex<(answers: [Result<Int, TransportError>], requests: [HTTPRequest], sleeps: [Duration])>

        init(_ answers: [Result<Int, TransportError>]) {
            state = Mutex((answers, [], []))
        }

        var requests: [HTTPRequest] { state.withLock { $0.requests } }
        var sleeps: [Duration] { state.withLock { $0.sleeps } }

        func heartbeat(_ url: String = "https://hc-ping.com/0f8a6c1e-secret-uuid") throws -> Heartbeat {
            try Heartbeat(
                url: url,
                transport: Transport { request in
                    let answer = self.state.withLock { state -> Result<Int, TransportError> in
                        state.requests.append(request)
                        return state.answers.isEmpty ? .success(200) : state.answers.removeFirst()
                    }
                    return HTTPResponse(status: try answer.get(), body: Data("OK".utf8))
                },
                sleep: { duration in self.state.withLock { $0.sleeps.append(duration) } })
        }
    }

    @Test("start is a GET of URL/start; exit 0 a POST of URL with the message; another exit a POST of URL/<code>")
    func urlsAndMethods() async throws {
        let script = Script([])
        let heartbeat = try script.heartbeat("https://hc-ping.com/0f8a6c1e-secret-uuid/")
        #expect(await heartbeat.ping(.start) == nil)
        #expect(await heartbeat.ping(.exit(.ok), message: "sync: 3 polled") == nil)
        #expect(await heartbeat.ping(.exit(.noPermission), message: "exit 77") == nil)
        let requests = script.requests
        #expect(requests.map(\.method) == ["GET", "POST", "POST"])
        #expect(requests.map(\.url) == [
            "https://hc-ping.com/0f8a6c1e-secret-uuid/start", "https://hc-ping.com/0f8a6c1e-secret-uuid",
            "https://hc-ping.com/0f8a6c1e-secret-uuid/77",
        ])
        #expect(requests[1].body == Data("sync: 3 polled".utf8))
        #expect(requests[1].header("content-type") == "text/plain; charset=utf-8")
        #expect(requests.allSatisfy { $0.timeout == .seconds(5) && $0.header("authorization") == nil })
    }

    @Test("a query stays after the added path; a URL without a path gets one")
    func queryAndBarePaths() throws {
        let withQuery = try Script([]).heartbeat("http://127.0.0.1:8000/ping/key/check-slug?create=1")
        #expect(withQuery.url(for: .start) == "http://127.0.0.1:8000/ping/key/check-slug/start?create=1")
        #expect(withQuery.url(for: .exit(.partial)) == "http://127.0.0.1:8000/ping/key/check-slug/1?create=1")
        let bare = try Script([]).heartbeat("https://example.com")
        #expect(bare.url(for: .start) == "https://example.com/start")
        #expect(bare.url(for: .exit(.ok)) == "https://example.com")
    }

    @Test("printed URLs mask the path and query: the secret never shows")
    func masking() throws {
        let heartbeat = try Script([]).heartbeat("https://hc-ping.com/0f8a6c1e-secret-uuid?rid=x")
        #expect(heartbeat.maskedURL(for: .start) == "https://hc-ping.com/…/start")
        #expect(heartbeat.maskedURL(for: .exit(.ok)) == "https://hc-ping.com/…")
        #expect(heartbeat.maskedURL(for: .exit(.unavailable)) == "https://hc-ping.com/…/69")
        #expect(try Script([]).heartbeat("http://127.0.0.1:9/").maskedURL(for: .start) == "http://127.0.0.1:9/start")
    }

    @Test("a timeout or a 5xx is retried once after a short wait; the failure names the masked URL and the reason")
    func retriesOnce() async throws {
        let script = Script([.failure(.timedOut), .success(503)])
        let failure = await (try script.heartbeat()).ping(.start)
        #expect(script.requests.count == 2 && script.sleeps == [.seconds(1)])
        #expect(failure == .pingFailed(url: "https://hc-ping.com/…/start", reason: "HTTP 503"))
        #expect(!(failure?.description.contains("secret") ?? true))

        let recovered = Script([.failure(.connectionClosed), .success(200)])
        #expect(await (try recovered.heartbeat()).ping(.exit(.ok)) == nil)
        #expect(recovered.requests.count == 2)
    }

    @Test("a refused connection is not retried (the client already kept trying to connect)")
    func noRetryWhenRefused() async throws {
        let script = Script([.failure(.connectionRefused(host: "127.0.0.1", port: 1))])
        let failure = await (try script.heartbeat()).ping(.start)
        #expect(failure == .pingFailed(url: "https://hc-ping.com/…/start", reason: "connection refused by 127.0.0.1:1"))
        #expect(script.requests.count == 1 && script.sleeps.isEmpty)
    }

    @Test("a 4xx is not retried (a wrong check URL stays wrong)")
    func noRetryOn4xx() async throws {
        let script = Script([.success(404)])
        #expect(await (try script.heartbeat()).ping(.exit(.partial)) == .pingFailed(url: "https://hc-ping.com/…/1", reason: "HTTP 404"))
        #expect(script.requests.count == 1 && script.sleeps.isEmpty)
    }

    @Test("a transport error that quotes the URL is masked too")
    func maskedReason() async throws {
        let script = Script([
            .failure(.other("cannot reach https://hc-ping.com/0f8a6c1e-secret-uuid/start")),
            .failure(.other("cannot reach https://hc-ping.com/0f8a6c1e-secret-uuid/start")),
        ])
        let failure = try #require(await (try script.heartbeat()).ping(.start))
        #expect(!failure.description.contains("0f8a6c1e-secret-uuid"))
    }

    @Test("only http(s) URLs with a host and without credentials are accepted", arguments: [
        "hc-ping.com/uuid", "ftp://hc-ping.com/uuid", "https:///uuid", "https://user:pass@hc-ping.com/uuid", "https://hc-ping.com/uuid#x", "",
    ])
    func refusesBadURLs(_ url: String) {
        #expect(throws: HeartbeatError.self) { try Heartbeat.validatedURL(url) }
    }
}
