import Foundation
import Testing
import VideoAPI

@Suite("create, remix and list with a scripted transport")
struct CreateAndListTests {
    static let key = "sk-test-5f2a9c0e7b41d3"
    static let base = URL(string: "http://127.0.0.1:8080/v1")!
    static let queuedBody = #"{"id":"video_1","object":"video","status":"queued","progress":0,"created_at":1773296991}"#

    private func client(_ script: ScriptedTransport, clock: TestClock) -> VideoAPIClient {
        VideoAPIClient(baseURL: Self.base, apiKey: Self.key, transport: script.transport, clock: clock.clock, random: { 0 })
    }

    @Test("create posts the SDK's multipart form once and returns the new job's first snapshot")
    func createMultipart() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(200, Self.queuedBody, headers: [("x-request-id", "req_c")]))], clock: clock, latency: 0.5)
        let form = VideoCreateForm(prompt: "A paper airplane", model: "sora-2", seconds: "4")
        let attempt = try await client(script, clock: clock).create(form, boundary: "BOUNDARY")
        let created = try #require(attempt.created)
        #expect(attempt.failure == nil)
        #expect(created.videoID.rawValue == "video_1")
        #expect(created.video?.phase == .queued)
        #expect(created.requestID == "req_c" && attempt.requestID == "req_c")
        #expect(created.httpStatus == 200)
        #expect(created.body == Data(Self.queuedBody.utf8))
        #expect(created.startedAt == TestClock.start && created.finishedAt == TestClock.start.addingTimeInterval(0.5))
        let request = try #require(script.requests.value.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:8080/v1/videos")
        #expect(request.header("content-type") == "multipart/form-data; boundary=BOUNDARY")
        #expect(request.header("authorization") == "Bearer \(Self.key)")
        #expect(request.body == (try form.multipartBody(boundary: "BOUNDARY")))
    }

    @Test("create is never retried: a 503 is returned as refused, after one request and no wait")
    func createNotRetried() async throws {
        let clock = TestClock()
        let body = #"{"error":{"code":"model_not_found","message":"no available channel for group default and model sora-9","type":"comet_api_error"}}"#
        let script = ScriptedTransport([.respond(.json(503, body, headers: [("x-request-id", "req_x")])), .respond(.json(200, Self.queuedBody))])
        let attempt = try await client(script, clock: clock).create(VideoCreateForm(prompt: "x", model: "sora-9"))
        #expect(script.requests.value.count == 1)
        #expect(clock.sleeps.value.isEmpty)
        #expect(attempt.created == nil)
        #expect(attempt.httpStatus == 503 && attempt.body == Data(body.utf8))
        #expect(attempt.failure == .refused(status: 503, error: APIErrorInfo(code: "model_not_found", message: "no available channel for group default and model sora-9", type: "comet_api_error"), requestID: "req_x"))
        #expect(attempt.failure?.mayHaveCreated == true)
    }

    @Test("a timeout after sending is 'unknown whether created'; a refused connection is 'not sent'")
    func transportFailures() async throws {
        let clock = TestClock()
        let timedOut = try await client(ScriptedTransport([.fail(.timedOut)]), clock: clock).create(VideoCreateForm(prompt: "x"))
        guard case .noAnswer(.other(let text))? = timedOut.failure else { Issue.record("\(String(describing: timedOut.failure))"); return }
        #expect(text.hasPrefix("timed out after 30"))
        #expect(timedOut.failure?.description.hasPrefix("unknown whether the job was created") == true)
        #expect(timedOut.failure?.mayHaveCreated == true)
        let refused = try await client(ScriptedTransport([.fail(.connectionRefused(host: "127.0.0.1", port: 8080))]), clock: clock)
            .create(VideoCreateForm(prompt: "x"))
        #expect(refused.failure == .notSent(.connectionRefused(host: "127.0.0.1", port: 8080)))
        #expect(refused.failure?.mayHaveCreated == false)
        #expect(refused.httpStatus == nil && refused.body == nil)
    }

    @Test("a 200 that is not a video with a usable id may have created a job")
    func unreadableAnswer() async throws {
        let clock = TestClock()
        let bad = try await client(ScriptedTransport([.respond(.json(200, #"{"id":"../etc and more","status":"queued"}"#))]), clock: clock)
            .create(VideoCreateForm(prompt: "x"))
        guard case .unreadableAnswer(200, _, _)? = bad.failure else { Issue.record("\(String(describing: bad.failure))"); return }
        #expect(bad.created == nil)
        let html = try await client(ScriptedTransport([.respond(HTTPResponse(status: 200, headers: [("content-type", "text/html")], body: Data("<html><title>Login</title></html>".utf8)))]), clock: clock)
            .create(VideoCreateForm(prompt: "x"))
        #expect(html.failure == .unreadableAnswer(status: 200, reason: "HTML page instead of JSON (title: Login)", requestID: nil))
    }

    @Test("a key echoed by a proxy is redacted from a refused create's body")
    func redactsEchoedKey() async throws {
        let clock = TestClock()
        let echo = #"{"error":{"message":"bad key \#(Self.key)","code":"invalid_api_key"}}"#
        let attempt = try await client(ScriptedTransport([.respond(.json(401, echo))]), clock: clock).create(VideoCreateForm(prompt: "x"))
        #expect(attempt.body.map { $0.range(of: Data(Self.key.utf8)) == nil } == true)
        #expect(attempt.failure.map { !$0.description.contains(Self.key) } == true)
    }

    @Test("remix posts JSON {prompt} to /videos/ID/remix once")
    func remix() async throws {
        let clock = TestClock()
        let body = #"{"id":"video_2","object":"video","status":"queued","remixed_from_video_id":"video_1:a"}"#
        let script = ScriptedTransport([.respond(.json(200, body))])
        let attempt = await client(script, clock: clock).remix(try VideoID(validating: "video_1:a"), prompt: "at dusk / \"warm\"")
        #expect(attempt.created?.video?.remixedFromVideoID == "video_1:a")
        let request = try #require(script.requests.value.first)
        #expect(request.url == "http://127.0.0.1:8080/v1/videos/video_1:a/remix")
        #expect(request.header("content-type") == "application/json")
        let sent = try JSONSerialization.jsonObject(with: try #require(request.body)) as? [String: String]
        #expect(sent == ["prompt": "at dusk / \"warm\""])
    }

    @Test("list sends its query, retries a 500, and gives each video its own bytes and the page's request id")
    func listPage() async throws {
        let clock = TestClock()
        let first = #"{"id":"video_1","status":"completed","note":"a } ] \" , inside"}"#
        let second = #"{ "id" : "video_2", "status":"failed", "error":{"code":"x","message":"[y]"} }"#
        let page = #"{"object":"list","data":[ \#(first) ,\#(second),{"id":"bad id","status":"queued"}],"first_id":"video_1","last_id":"bad id","has_more":true}"#
        let script = ScriptedTransport([.respond(.json(500, "")), .respond(.json(200, page, headers: [("x-request-id", "req_list")]))])
        let listed = try await client(script, clock: clock).list(after: "video_0:x", limit: 20, order: "desc")
        #expect(script.requests.value.map(\.url) == Array(repeating: "http://127.0.0.1:8080/v1/videos?limit=20&after=video_0:x&order=desc", count: 2))
        #expect(clock.sleeps.value == [.milliseconds(500)])
        #expect(listed.page.hasMore && listed.page.lastID == "bad id")
        #expect(listed.attempts == 2)
        #expect(listed.requestID == "req_list")
        #expect(listed.unusableIDs == ["bad id"])
        #expect(listed.items.map(\.videoID.rawValue) == ["video_1", "video_2"])
        #expect(listed.items.map(\.body) == [Data(first.utf8), Data(second.utf8)])
        #expect(listed.items.allSatisfy { $0.requestID == "req_list" && $0.httpStatus == 200 && $0.attempt == 1 })
        #expect(listed.items[1].video?.error?.code == "x")
    }

    @Test("no list endpoint: 404, 405, 501, a redirect, or an HTML page below 500 is unsupported")
    func listUnsupported() async throws {
        let clock = TestClock()
        let answers: [(HTTPResponse, Int)] = [
            (.json(404, #"{"error":{"message":"Invalid URL (GET /v1/videos)","type":"invalid_request_error"}}"#), 404),
            (.json(405, ""), 405),
            (HTTPResponse(status: 501), 501),
            (HTTPResponse(status: 301, headers: [("location", "https://example.com/")]), 301),
            (HTTPResponse(status: 200, headers: [("content-type", "text/html")], body: Data("<html><title>Console</title></html>".utf8)), 200),
        ]
        for (response, status) in answers {
            // 501 is a 5xx, so the shared retry policy tries it again before it counts as unsupported.
            let tries = status == 501 ? 3 : 1
            let script = ScriptedTransport(Array(repeating: .respond(response), count: tries))
            do {
                _ = try await client(script, clock: clock).list(limit: 100, order: "desc")
                Issue.record("HTTP \(status) was read as a page")
            } catch {
                guard case .unsupported(let got, _) = error else { Issue.record("\(status): \(error)"); continue }
                #expect(got == status)
                #expect(error.description.hasPrefix("this provider does not support listing videos (HTTP \(status)"))
                #expect(error.description.hasSuffix("track ids by hand or use submit"))
            }
            #expect(script.requests.value.count == tries, "HTTP \(status) tries")
        }
    }

    @Test("a proxy's 502 page is an outage, retried and then failed, not 'unsupported'")
    func listOutage() async throws {
        let clock = TestClock()
        let page = HTTPResponse(status: 502, headers: [("content-type", "text/html")], body: Data("<html><title>502 Bad Gateway</title></html>".utf8))
        let script = ScriptedTransport([.respond(page), .respond(page), .respond(page)])
        await #expect(throws: ListError.failed(.http(status: 502, error: APIErrorInfo(message: "HTML page instead of JSON (title: 502 Bad Gateway)"), requestID: nil))) {
            _ = try await client(script, clock: clock).list()
        }
        #expect(script.requests.value.count == 3)
    }

    @Test("a 200 without a data array is a failed page")
    func listMalformed() async throws {
        let clock = TestClock()
        let script = ScriptedTransport([.respond(.json(200, #"{"object":"list"}"#))])
        await #expect(throws: ListError.failed(.malformedBody(#"missing "data""#))) {
            _ = try await client(script, clock: clock).list()
        }
        #expect(script.requests.value.first?.url == "http://127.0.0.1:8080/v1/videos")
    }
}
