import Foundation
import TestSupport
import Testing
import VideoAPI

/// `downloadContent` against a scripted streaming transport: what is accepted as the content, what is a failed
/// attempt, what is retried, and that nothing is kept from a failed one.
@Suite("Downloading content")
struct ContentDownloadTests {
    static let key = "sk-test-download-key"
    static let id = try! VideoID(validating: "video_dl")
    static let mp4 = Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8) + (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) })

    /// One scripted answer of the streaming transport.
    enum Step: Sendable {
        /// A head, then the body in chunks, then `failure` instead of the end when given.
        case respond(status: Int, headers: [(String, String)], chunks: [Data], failure: TransportError? = nil)
        /// No response at all.
        case fail(TransportError)

        /// A 200 with the content type and an exact content-length, the body in chunks of 1000 bytes.
        static func content(_ body: Data, type: String = "video/mp4", length: String? = nil) -> Step {
            .respond(
                status: 200, headers: [("Content-Type", type), ("Content-Length", length ?? String(body.count)), ("x-request-id", "req_ok")],
                chunks: stride(from: 0, to: body.count, by: 1000).map { body[$0..<min($0 + 1000, body.count)] })
        }

        /// A JSON answer with this status.
        static func json(_ status: Int, _ text: String) -> Step {
            .respond(status: status, headers: [("Content-Type", "application/json"), ("x-request-id", "req_\(status)")], chunks: [Data(text.utf8)])
        }
    }

    /// A transport whose `stream` answers from the script, in order.
    final class StreamScript: Sendable {
        let steps: Locked<[Step]>
        let requests = Locked<[HTTPRequest]>([])

        init(_ steps: [Step]) { self.steps = Locked(steps) }

        var transport: Transport {
            Transport(
                send: { _ in
                    Issue.record("downloads must stream")
                    throw TransportError.other("not scripted")
                },
                stream: { [self] request in
                    requests.withValue { $0.append(request) }
                    switch steps.withValue({ $0.isEmpty ? nil : $0.removeFirst() }) {
                    case .respond(let status, let headers, let chunks, let failure)?:
                        return StreamedResponse(status: status, headers: headers, body: ResponseBody(chunks: chunks, failure: failure))
                    case .fail(let error)?:
                        throw error
                    case nil:
                        Issue.record("the transport was called more often than scripted")
                        throw TransportError.other("script exhausted")
                    }
                })
        }
    }

    /// What the writers of a download were given and how each ended.
    final class WriterLog: Sendable {
        struct Entry {
            var bytes = Data()
            var committed = false
            var discarded = false
        }
        let entries = Locked<[Entry]>([])
        let failWrites: Bool

        init(failWrites: Bool = false) { self.failWrites = failWrites }

        var open: @Sendable () throws -> any DownloadWriter {
            { [self] in
                let index = entries.withValue { $0.append(Entry()); return $0.count - 1 }
                return MemoryWriter(log: self, index: index)
            }
        }
    }

    /// A writer that keeps the bytes in the log.
    struct MemoryWriter: DownloadWriter {
        struct DiskFull: Error, CustomStringConvertible { var description: String { "cannot write /x/video_dl.mp4: No space left on device" } }
        let log: WriterLog
        let index: Int

        func write(_ chunk: Data) throws {
            if log.failWrites { throw DiskFull() }
            log.entries.withValue { $0[index].bytes.append(chunk) }
        }

        func commit() throws -> String {
            log.entries.withValue { $0[index].committed = true }
            return "/x/video_dl.mp4"
        }

        func discard() { log.entries.withValue { $0[index].discarded = true } }
    }

    func client(_ script: StreamScript, clock: TestClock = TestClock(), retries: Int = 2) -> VideoAPIClient {
        VideoAPIClient(
            baseURL: URL(string: "https://api.example.test/v1")!, apiKey: Self.key, transport: script.transport,
            clock: clock.clock, policy: RetryPolicy(maxRetries: retries), random: { 0 })
    }

    func download(
        _ steps: [Step], variant: ContentVariant = .video, fileURL: String? = nil, writers: WriterLog = WriterLog(), retries: Int = 2
    ) async throws -> (final: DownloadAttempt, attempts: [DownloadAttempt], script: StreamScript) {
        let script = StreamScript(steps)
        let recorded = Locked<[DownloadAttempt]>([])
        let final = try await client(script, retries: retries).downloadContent(
            Self.id, variant: variant, fileURL: fileURL, openWriter: writers.open
        ) { attempt in
            recorded.withValue { $0.append(attempt) }
        }
        return (final, recorded.value, script)
    }

    @Test("a 200 of the variant's type streams into the writer, is committed, and carries its size and SHA-256")
    func success() async throws {
        let writers = WriterLog()
        let (final, attempts, script) = try await download([.content(Self.mp4)], writers: writers)
        #expect(final.ok && attempts.count == 1)
        #expect(final.file == SavedFile(path: "/x/video_dl.mp4", bytes: Int64(Self.mp4.count), sha256: sha256Hex(Self.mp4)))
        #expect(final.httpStatus == 200 && final.requestID == "req_ok" && final.contentType == "video/mp4")
        #expect(final.error == nil && final.body == nil)
        #expect(writers.entries.value.count == 1)
        #expect(writers.entries.value[0].bytes == Self.mp4 && writers.entries.value[0].committed)
        let request = try #require(script.requests.value.first)
        #expect(request.url == "https://api.example.test/v1/videos/video_dl/content")
        #expect(request.header("accept") == "application/binary")
        #expect(request.header("authorization") == "Bearer \(Self.key)")
    }

    @Test("without a content endpoint the file comes from the body's URL, and the key never goes to another host")
    func fileURLOnAnotherHost() async throws {
        let signed = "https://cdn.example.test/files/v.mp4?sig=abc"
        let (final, attempts, script) = try await download(
            [.json(404, #"{"error":{"message":"Not found","code":"not_found"}}"#), .content(Self.mp4)], fileURL: signed)
        #expect(final.ok && attempts.count == 2)
        #expect(attempts.map(\.attempt) == [0, 1] && attempts.map(\.httpStatus) == [404, 200])
        let requests = script.requests.value
        #expect(requests.map(\.url) == ["https://api.example.test/v1/videos/video_dl/content", signed])
        #expect(requests[0].header("authorization") == "Bearer \(Self.key)")
        #expect(requests[1].header("authorization") == nil && requests[1].header("api-key") == nil)
        #expect(!requests[1].headers.contains { $0.1.contains(Self.key) })
    }

    @Test("a body URL on the base URL's own origin is fetched with the key; other ports, schemes or hosts without it")
    func fileURLOrigins() async throws {
        let cases: [(String, Bool)] = [
            ("https://api.example.test/v1/videos/video_dl/content?index=0", true),
            ("https://API.example.test:443/files/v.mp4", true),
            ("http://api.example.test/files/v.mp4", false),
            ("https://api.example.test:8443/files/v.mp4", false),
            ("https://api.example.test.evil.test/files/v.mp4", false),
        ]
        for (url, keyed) in cases {
            let (final, _, script) = try await download([.json(405, "{}"), .content(Self.mp4)], fileURL: url)
            #expect(final.ok, "\(url)")
            #expect((script.requests.value.last?.header("authorization") != nil) == keyed, "\(url)")
        }
    }

    @Test("the body URL is tried only when there is no content endpoint, and only for the video")
    func fileURLOnlyWithoutEndpoint() async throws {
        let url = "https://cdn.example.test/v.mp4"
        let gone = try await download([.json(410, #"{"error":{"code":"video_expired","message":"gone"}}"#)], fileURL: url)
        #expect(!gone.final.ok && gone.script.requests.value.count == 1)
        let thumbnail = try await download([.json(404, "{}")], variant: .thumbnail, fileURL: url)
        #expect(!thumbnail.final.ok && thumbnail.script.requests.value.count == 1)
        let notHTTP = try await download([.json(404, "{}")], fileURL: "file:///etc/passwd")
        #expect(!notHTTP.final.ok && notHTTP.script.requests.value.count == 1)
    }

    @Test("thumbnail and spritesheet ask for their variant and want image/webp and image/jpeg")
    func variants() async throws {
        let webp = Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 more".utf8)
        let thumbnail = try await download([.content(webp, type: "image/webp")], variant: .thumbnail)
        #expect(thumbnail.final.ok)
        #expect(thumbnail.script.requests.value.first?.url == "https://api.example.test/v1/videos/video_dl/content?variant=thumbnail")
        let sheet = try await download([.content(Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2]), type: "image/jpeg")], variant: .spritesheet)
        #expect(sheet.final.ok)
        #expect(sheet.script.requests.value.first?.url == "https://api.example.test/v1/videos/video_dl/content?variant=spritesheet")
        let wrong = try await download([.content(webp, type: "image/webp")], variant: .spritesheet)
        #expect(!wrong.final.ok, "a webp is not a spritesheet")
    }

    @Test("the content type is compared without parameters or case")
    func lenientContentType() async throws {
        for type in ["video/mp4; charset=binary", "Video/MP4", " video/mp4 ;codecs=avc1"] {
            let (final, _, _) = try await download([.content(Self.mp4, type: type)])
            #expect(final.ok, "\(type)")
        }
    }

    @Test("a generic binary type passes only when the bytes start like the variant's files")
    func genericBinary() async throws {
        #expect(try await download([.content(Self.mp4, type: "application/octet-stream")]).final.ok)
        let json = Data(#"{"error":{"message":"nope","type":"invalid_request_error","param":null,"code":null}}"#.utf8)
        let writers = WriterLog()
        let (final, attempts, _) = try await download([.content(json, type: "application/octet-stream")], writers: writers)
        #expect(!final.ok && attempts.count == 1)
        #expect(final.error?.contains("does not start like a mp4 file") == true, "\(final.error ?? "")")
        #expect(final.body == json)
        #expect(writers.entries.value.allSatisfy { !$0.committed })
    }

    @Test("a JSON error body with HTTP 200 is a failed attempt: recorded with its body, no writer, not retried")
    func jsonWithStatus200() async throws {
        let body = #"{"error":{"message":"Video is not ready yet","type":"invalid_request_error","param":null,"code":null}}"#
        let writers = WriterLog()
        let (final, attempts, _) = try await download([.json(200, body)], writers: writers)
        #expect(attempts.count == 1)
        #expect(!final.ok && final.file == nil && final.httpStatus == 200)
        #expect(final.error == "the server sent application/json instead of video/mp4: Video is not ready yet")
        #expect(final.body == Data(body.utf8))
        #expect(final.apiError?.message == "Video is not ready yet")
        #expect(writers.entries.value.isEmpty)
    }

    @Test("an HTML page instead of the bytes is a failed attempt with the page's title")
    func htmlPage() async throws {
        let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        let (final, attempts, _) = try await download([
            .respond(status: 200, headers: [("content-type", "text/html")], chunks: [Data(page.utf8)]),
        ])
        #expect(attempts.count == 1 && !final.ok)
        #expect(final.error?.contains("text/html instead of video/mp4") == true)
        #expect(final.error?.contains("502 Bad Gateway") == true)
    }

    @Test("a body shorter than its Content-Length is discarded and retried like a transport failure")
    func lengthMismatch() async throws {
        let writers = WriterLog()
        let (final, attempts, _) = try await download(
            [.content(Self.mp4, length: "9999"), .content(Self.mp4, length: "9999"), .content(Self.mp4, length: "9999")], writers: writers)
        #expect(attempts.count == 3 && attempts.map(\.attempt) == [0, 1, 2])
        #expect(!final.ok)
        #expect(final.error == "the body had \(Self.mp4.count) bytes but Content-Length announced 9999; nothing was kept")
        #expect(writers.entries.value.count == 3)
        #expect(writers.entries.value.allSatisfy { $0.discarded && !$0.committed })
    }

    @Test("a connection lost mid-body discards the partial file; the retry succeeds")
    func cutMidBody() async throws {
        let writers = WriterLog()
        let (final, attempts, _) = try await download([
            .respond(status: 200, headers: [("content-type", "video/mp4"), ("content-length", "3020")], chunks: [Self.mp4.prefix(1000)], failure: .connectionClosed),
            .content(Self.mp4),
        ], writers: writers)
        #expect(attempts.count == 2 && final.ok)
        #expect(attempts[0].httpStatus == 200 && !attempts[0].ok)
        #expect(attempts[0].error == "transport: the server closed the connection before the response was complete (after 1000 bytes of the body; nothing was kept)")
        #expect(writers.entries.value.map(\.discarded) == [true, false])
        #expect(writers.entries.value.map(\.committed) == [false, true])
    }

    @Test("503 and transport failures are retried per the poll policy; every attempt is reported")
    func retries() async throws {
        let (final, attempts, _) = try await download([
            .json(503, #"{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}"#),
            .fail(.connectionRefused(host: "api.example.test", port: 443)),
            .content(Self.mp4),
        ])
        #expect(final.ok)
        #expect(attempts.map(\.httpStatus) == [503, nil, 200])
        #expect(attempts[0].error == "HTTP 503: overloaded")
        #expect(attempts[1].error == "transport: connection refused by api.example.test:443")
    }

    @Test("404, 410 and 401 are not retried; 401 is an auth failure")
    func notRetried() async throws {
        let gone = try await download([.json(410, #"{"error":{"message":"expired","type":"invalid_request_error","param":null,"code":"video_expired"}}"#)])
        #expect(gone.attempts.count == 1 && gone.final.error == "HTTP 410 video_expired: expired")
        #expect(gone.final.body != nil && gone.final.apiError?.code == "video_expired")
        let rejected = try await download([.json(401, #"{"error":{"message":"bad key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)])
        #expect(rejected.attempts.count == 1 && rejected.final.isAuthFailure)
    }

    @Test("a write failure here is a local failure: the file is discarded and the request not retried")
    func localFailure() async throws {
        let writers = WriterLog(failWrites: true)
        let (final, attempts, _) = try await download([.content(Self.mp4)], writers: writers)
        #expect(attempts.count == 1 && !final.ok && final.isLocalFailure)
        #expect(final.error == "cannot write /x/video_dl.mp4: No space left on device")
        #expect(writers.entries.value.allSatisfy { $0.discarded })
    }

    @Test("an empty body of the right type is a failure")
    func emptyBody() async throws {
        let (final, _, _) = try await download([.content(Data())])
        #expect(!final.ok && final.error == "the server sent an empty video/mp4 body")
    }

    @Test("the API key echoed in an error body is redacted before it is reported")
    func keyRedacted() async throws {
        let body = #"{"error":{"message":"Incorrect API key provided: \#(Self.key)","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        let (final, _, _) = try await download([.json(401, body)])
        let recorded = String(decoding: final.body ?? Data(), as: UTF8.self)
        #expect(!recorded.contains(Self.key) && recorded.contains("[redacted]"))
        #expect(final.error?.contains(Self.key) == false)
        #expect(final.apiError?.message?.contains(Self.key) == false)
    }

    @Test("a body that stalls longer than the timeout fails the attempt, and nothing is kept", .timeLimit(.minutes(5)))
    func stalledBody() async throws {
        let writers = WriterLog()
        // How the stalled read ended: "cancelled" while still waiting, or "ran out" after its full hour.
        let (readEnded, readEnding) = AsyncStream<String>.makeStream()
        let script = Transport(
            send: { _ in throw TransportError.other("not scripted") },
            stream: { _ in
                StreamedResponse(
                    status: 200, headers: [("content-type", "video/mp4")],
                    body: ResponseBody {
                        var sent = false
                        return {
                            if !sent {
                                sent = true
                                return Data(ContentDownloadTests.mp4.prefix(100))
                            }
                            do {
                                try await Task.sleep(for: .seconds(3600))
                                readEnding.yield("ran out")
                            } catch {
                                readEnding.yield("cancelled")
                                throw error
                            }
                            return nil
                        }
                    })
            })
        let client = VideoAPIClient(
            baseURL: URL(string: "https://api.example.test/v1")!, apiKey: Self.key, transport: script,
            clock: TestClock().clock, policy: RetryPolicy(maxRetries: 0), timeout: .milliseconds(300), random: { 0 })
        let final = try await client.downloadContent(Self.id, variant: .video, openWriter: writers.open) { _ in }
        var ending = readEnded.makeAsyncIterator()
        #expect(await ending.next() == "cancelled", "the attempt failed while the stalled read was still pending")
        #expect(!final.ok && final.error == "transport: no data for 0.3 s (after 100 bytes; nothing was kept)")
        #expect(writers.entries.value.allSatisfy { $0.discarded && !$0.committed })
    }
}
