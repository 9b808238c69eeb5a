import Foundation
import Testing
import VideoAPI

@Suite("Videos API client with a scripted transport")
struct VideoAPIClientTests {
    static let key = "sk-test-5f2a9c0e7b41d3"
    static let base = URL(string: "http://127.0.0.1:8080/v1")!
    static let queuedBody = #"{"id":"video_1","object":"video","status":"queued","progress":0,"created_at":1773296991}"#
    static let completedBody = #"{"id":"video_1","object":"video","status":"completed","progress":100,"created_at":1773296991,"completed_at":1773297059,"expires_at":1773300659}"#
    let id = try! VideoID(validating: "video_1")

    private func client(_ script: ScriptedTransport, clock: TestClock, policy: RetryPolicy = RetryPolicy(), jitter: Double = 0) -> VideoAPIClient {
        VideoAPIClient(
            baseURL: Self.base, apiKey: Self.key, transport: script.transport, clock: clock.clock, policy: policy,
            timeout: .seconds(30), random: { jitter })
    }

    @Test("a 429 with retry-after-ms 1500 then a 200 records two attempts and waits 1.5 s")
    func rateLimitedThenOK() async throws {
        let clock = TestClock()
        let script = ScriptedTransport(
            [
                .respond(.json(429, #"{"error":{"message":"Too many requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#, headers: [("retry-after-ms", "1500"), ("x-request-id", "req_a")])),
                .respond(.json(200, Self.completedBody, headers: [("x-request-id", "req_b")])),
            ], clock: clock, latency: 0.25)
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)

        #expect(clock.sleeps.value == [.milliseconds(1500)])
        let attempts = log.all
        try #require(attempts.count == 2)
        #expect(attempts.map(\.attempt) == [0, 1])
        #expect(attempts.map(\.httpStatus) == [429, 200])
        #expect(attempts[0].pollError == "HTTP 429 rate_limit_exceeded: Too many requests")
        #expect(attempts[0].apiError?.code == "rate_limit_exceeded")
        #expect(attempts[0].retryAfter == .milliseconds(1500))
        #expect(attempts[0].video == nil)
        #expect(attempts[0].startedAt == TestClock.start)
        #expect(attempts[0].finishedAt == TestClock.start.addingTimeInterval(0.25))
        #expect(attempts[1].startedAt == TestClock.start.addingTimeInterval(1.75))
        #expect(final.attempt == 1)
        #expect(final.pollError == nil)
        #expect(final.requestID == "req_b")
        #expect(final.video?.phase == .completed)
        #expect(final.video?.expiresAt == 1_773_300_659)
        #expect(final.body == Data(Self.completedBody.utf8))
        #expect(final.contentType == "application/json")
    }

    @Test("a 401 is recorded once and not retried")
    func unauthorized() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([
            .respond(.json(401, #"{"error":{"message":"Incorrect API key provided: sk-test-*****","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#))
        ])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        #expect(log.all.count == 1)
        #expect(script.requests.value.count == 1)
        #expect(clock.sleeps.value.isEmpty)
        #expect(final.isAuthFailure)
        #expect(final.pollError == "HTTP 401 invalid_api_key: Incorrect API key provided: sk-test-*****")
    }

    @Test("a 403 quota body without an envelope is an auth failure with its message")
    func forbiddenQuota() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(403, #"{"code":null,"message":"user quota is not enough"}"#))])
        let final = try await client(script, clock: clock).retrieve(id) { _ in }
        #expect(final.isAuthFailure)
        #expect(final.pollError == "HTTP 403: user quota is not enough")
    }

    @Test("a 404 is not retried")
    func notFound() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(404, #"{"error":{"message":"Video not found","type":"invalid_request_error","code":null}}"#))])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        #expect(log.all.count == 1)
        #expect(final.httpStatus == 404)
        #expect(final.pollError == "HTTP 404: Video not found")
        #expect(final.isAuthFailure == false)
    }

    @Test("three transport failures give three attempts without a status, with backoff between them")
    func transportFailures() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.fail(.timedOut), .fail(.connectionRefused(host: "127.0.0.1", port: 8080)), .fail(.connectionClosed)])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        let attempts = log.all
        #expect(attempts.count == 3)
        #expect(attempts.allSatisfy { $0.httpStatus == nil && $0.body == nil && $0.video == nil })
        #expect(attempts.map(\.pollError) == [
            "transport: timed out after 30 s",
            "transport: connection refused by 127.0.0.1:8080",
            "transport: the server closed the connection before the response was complete",
        ])
        #expect(clock.sleeps.value == [.milliseconds(500), .seconds(1)])
        #expect(final.attempt == 2)
    }

    @Test("errors other than TransportError from the transport are recorded as transport failures")
    func foreignTransportError() async throws {
        struct Oops: Error, CustomStringConvertible { var description: String { "socket exploded" } }
        let clock = TestClock()
        let transport = Transport { _ in throw Oops() }
        let client = VideoAPIClient(baseURL: Self.base, apiKey: Self.key, transport: transport, clock: clock.clock, policy: RetryPolicy(maxRetries: 0))
        let final = try await client.retrieve(id) { _ in }
        #expect(final.pollError == "transport: socket exploded")
    }

    @Test("a 301 is not followed and the Location is reported")
    func redirect() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([
            .respond(HTTPResponse(status: 301, headers: [("Location", "https://www.cometapi.com/v1/videos/video_1"), ("Content-Type", "text/html")], body: Data("<html><title>301 Moved Permanently</title></html>".utf8)))
        ])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        #expect(log.all.count == 1)
        #expect(final.httpStatus == 301)
        #expect(final.pollError == "HTTP 301 redirect to https://www.cometapi.com/v1/videos/video_1 (not followed)")
        #expect(final.video == nil)
    }

    @Test("a 2xx whose body is not a video is recorded as malformed and not retried")
    func malformedSuccess() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(200, #"{"id":"video_1","status":"que"#))])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        #expect(log.all.count == 1)
        #expect(final.httpStatus == 200)
        #expect(final.video == nil)
        #expect(final.pollError == "malformed body: unexpected end of data")
        #expect(final.body == Data(#"{"id":"video_1","status":"que"#.utf8))
    }

    @Test("an HTML 502 is retried and reported by its title")
    func htmlBadGateway() async throws {
        let clock = TestClock()
        let page = HTTPResponse(status: 502, headers: [("content-type", "text/html")], body: Data("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>".utf8))
        let script = ScriptedTransport([.respond(page), .respond(.json(200, Self.queuedBody))])
        let log = AttemptLog()
        let final = try await client(script, clock: clock).retrieve(id, record: log.record)
        #expect(log.all.first?.pollError == "HTTP 502: HTML page instead of JSON (title: 502 Bad Gateway)")
        #expect(final.video?.phase == .queued)
    }

    @Test("a deadline stops retries that would start after it")
    func deadlineStopsRetries() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(503, "")), .respond(.json(503, "")), .respond(.json(503, ""))])
        let log = AttemptLog()
        let deadline = TestClock.start.addingTimeInterval(1)
        let final = try await client(script, clock: clock).retrieve(id, deadline: deadline, record: log.record)
        #expect(log.all.count == 2)  // the 0.5 s retry fits, the 1 s one would start at 1.5 s
        #expect(clock.sleeps.value == [.milliseconds(500)])
        #expect(final.attempt == 1)
        #expect(final.pollError == "HTTP 503 (empty body)")
    }

    @Test("a deadline already passed still allows the first attempt")
    func deadlinePassed() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(500, ""))])
        let log = AttemptLog()
        _ = try await client(script, clock: clock).retrieve(id, deadline: TestClock.start.addingTimeInterval(-5), record: log.record)
        #expect(log.all.count == 1)
        #expect(clock.sleeps.value.isEmpty)
    }

    @Test("cancellation while waiting to retry returns the last attempt")
    func cancelledWhileWaiting() async throws {
        let sleeps = Locked(0)
        let clock = APIClock(now: { TestClock.start }, sleep: { _ in
            sleeps.withValue { $0 += 1 }
            throw CancellationError()
        })
        let script = ScriptedTransport([.respond(.json(503, "")), .respond(.json(200, Self.queuedBody))])
        let client = VideoAPIClient(baseURL: Self.base, apiKey: Self.key, transport: script.transport, clock: clock)
        let log = AttemptLog()
        let final = try await client.retrieve(id, record: log.record)
        #expect(sleeps.value == 1)
        #expect(log.all.count == 1)
        #expect(final.httpStatus == 503)
        #expect(script.requests.value.count == 1)
    }

    @Test("a request on the wire when the caller is cancelled still delivers and records its answer, without a retry")
    func cancelledInFlight() async throws {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let transport = Transport { _ in
            startedContinuation.yield()
            for await _ in release { break }
            return .json(401, #"{"error":{"message":"no","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
        }
        let client = VideoAPIClient(baseURL: Self.base, apiKey: Self.key, transport: transport, clock: TestClock().clock)
        let log = AttemptLog()
        let polling = Task { try await client.retrieve(id, record: log.record) }
        for await _ in started { break }
        polling.cancel()
        releaseContinuation.yield()
        let final = try await polling.value
        #expect(final.httpStatus == 401)
        #expect(log.all.map(\.httpStatus) == [401])
    }

    @Test("an error thrown by record stops the retrieve and is rethrown")
    func recordFailure() async throws {
        struct DiskFull: Error {}
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(503, "")), .respond(.json(200, Self.queuedBody))])
        await #expect(throws: DiskFull.self) {
            _ = try await client(script, clock: clock).retrieve(id) { _ in throw DiskFull() }
        }
        #expect(script.requests.value.count == 1)
    }

    @Test("the id is percent-encoded as one path segment")
    func percentEncoding() async throws {
        let clock = TestClock()
        let script = ScriptedTransport(Array(repeating: .respond(.json(200, Self.queuedBody)), count: 4))
        let client = client(script, clock: clock)
        _ = try await client.retrieve(try VideoID(validating: "a:b")) { _ in }
        _ = try await client.retrieve(try VideoID(validating: "task-1.2_x")) { _ in }
        // A gateway's base64 id keeps + and =; / % ? # and anything outside pchar are encoded.
        _ = try await client.retrieve(try VideoID(validating: "video_bGl0+ZW/xsbT==")) { _ in }
        _ = try await client.retrieve(try VideoID(validating: "a%2F?b#c\"d")) { _ in }
        #expect(script.requests.value.map(\.url) == [
            "http://127.0.0.1:8080/v1/videos/a:b",
            "http://127.0.0.1:8080/v1/videos/task-1.2_x",
            "http://127.0.0.1:8080/v1/videos/video_bGl0+ZW%2FxsbT==",
            "http://127.0.0.1:8080/v1/videos/a%252F%3Fb%23c%22d",
        ])
        #expect(script.requests.value.map(\.method) == ["GET", "GET", "GET", "GET"])
    }

    @Test("requests carry the bearer key, Accept and User-Agent headers and the client timeout")
    func requestHeaders() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(200, Self.queuedBody))])
        _ = try await client(script, clock: clock).retrieve(id) { _ in }
        let request = try #require(script.requests.value.first)
        #expect(request.header("authorization") == "Bearer \(Self.key)")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("user-agent") == "soratrack/0.1")
        #expect(request.timeout == .seconds(30))
        #expect(request.body == nil)
        #expect(!String(describing: request).contains(Self.key))
        #expect(!String(reflecting: request).contains(Self.key))
    }

    @Test("the API key never appears in poll errors or descriptions, even when a server echoes it")
    func keyNeverLeaks() async throws {
        let clock = TestClock()
        let echo = #"{"error":{"message":"Incorrect API key provided: \#(Self.key)","type":"invalid_request_error","code":"invalid_api_key"}}"#
        let script = ScriptedTransport([
            .respond(.json(500, echo)),
            .fail(.other("TLS handshake failed for Bearer \(Self.key)")),
            .respond(HTTPResponse(status: 302, headers: [("location", "https://x.example/?key=\(Self.key)")])),
        ])
        let log = AttemptLog()
        let client = client(script, clock: clock)
        _ = try await client.retrieve(id, record: log.record)
        #expect(log.all.count == 3)
        for attempt in log.all {
            let texts = [attempt.pollError ?? "", attempt.apiError?.message ?? "", String(describing: attempt.apiError as Any)]
            for text in texts {
                #expect(!text.contains(Self.key), "leaked in \(text)")
            }
        }
        #expect(log.all[0].pollError == "HTTP 500 invalid_api_key: Incorrect API key provided: [redacted]")
        let storedBody = String(decoding: try #require(log.all[0].body), as: UTF8.self)
        #expect(storedBody.contains("Incorrect API key provided: [redacted]") && !storedBody.contains(Self.key))
        #expect(!String(describing: client).contains(Self.key))
        #expect(!String(reflecting: client).contains(Self.key))
        var dumped = ""
        dump(client, to: &dumped)
        #expect(!dumped.contains(Self.key))
    }

    @Test("x-request-id and openai-poll-after-ms are captured")
    func headersCaptured() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([
            .respond(.json(200, Self.queuedBody, headers: [("X-Request-Id", "req_123abc"), ("openai-poll-after-ms", "2500")]))
        ])
        let final = try await client(script, clock: clock).retrieve(id) { _ in }
        #expect(final.requestID == "req_123abc")
        #expect(final.pollAfter == .milliseconds(2500))
        #expect(final.retryAfter == nil)
    }

    @Test("the convenience retrieve returns the video or throws the HTTP error")
    func convenienceRetrieve() async throws {
        let clock = TestClock()
        let ok = ScriptedTransport([.respond(.json(200, Self.completedBody))])
        let video = try await client(ok, clock: clock).retrieve(id)
        #expect(video.phase == .completed)

        let missing = ScriptedTransport([.respond(.json(404, #"{"error":{"message":"not found","code":"video_not_found"}}"#, headers: [("x-request-id", "req_9")]))])
        await #expect(throws: VideoAPIError.http(status: 404, error: APIErrorInfo(code: "video_not_found", message: "not found"), requestID: "req_9")) {
            _ = try await client(missing, clock: clock).retrieve(id)
        }
        #expect(
            VideoAPIError.http(status: 404, error: APIErrorInfo(code: "video_not_found", message: "not found"), requestID: "req_9").description
                == "HTTP 404 video_not_found: not found (request id req_9)")

        let down = ScriptedTransport([.fail(.timedOut)])
        await #expect(throws: VideoAPIError.transport(.timedOut)) {
            _ = try await client(down, clock: clock, policy: RetryPolicy(maxRetries: 0)).retrieve(id)
        }
    }

    @Test("base URLs are validated and trailing slashes trimmed")
    func baseURLs() throws {
        #expect(try VideoAPIClient.validatedBaseURL("https://api.cometapi.com/v1/").absoluteString == "https://api.cometapi.com/v1")
        #expect(try VideoAPIClient.validatedBaseURL("  http://127.0.0.1:8080/v1//  ").absoluteString == "http://127.0.0.1:8080/v1")
        #expect(try VideoAPIClient.validatedBaseURL("HTTPS://api.openai.com/v1").absoluteString == "https://api.openai.com/v1")
        for bad in ["", "ftp://example.com/v1", "api.cometapi.com/v1", "http:///v1", "https://x.example/v1?a=1", "https://x.example/v1#top", "https://user:pw@x.example/v1"] {
            #expect(throws: VideoAPIError.self, "accepted \(bad.debugDescription)") { try VideoAPIClient.validatedBaseURL(bad) }
        }
        do {
            _ = try VideoAPIClient.validatedBaseURL("ftp://example.com/v1")
        } catch {
            #expect(error.description == #"invalid API base URL "ftp://example.com/v1": it must start with http:// or https://"#)
        }
    }

    @Test("a base URL given with a trailing slash still builds clean paths")
    func trailingSlashBase() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(200, Self.queuedBody))])
        let client = VideoAPIClient(baseURL: URL(string: "http://127.0.0.1:8080/v1/")!, apiKey: Self.key, transport: script.transport, clock: clock.clock)
        _ = try await client.retrieve(id) { _ in }
        #expect(script.requests.value.first?.url == "http://127.0.0.1:8080/v1/videos/video_1")
    }
}
