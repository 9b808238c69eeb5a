import Foundation
import JobStore
import Synchronization
import SyncEngine
import TestSupport
import Testing
import VideoAPI

/// The downloader over a scripted streaming transport, a real database and a real folder.
@Suite("Downloader")
struct DownloaderTests {
    static let completedAt: Int64 = 1_773_299_000
    /// The fixed "now" of these tests: an hour before the content of `video_done` expires.
    static let now = Date(timeIntervalSince1970: Double(completedAt + 600))

    let folder = NSTemporaryDirectory() + "soratrack-download-\(UUID().uuidString)"
    var path: String { folder + "/jobs.sqlite" }
    var files: String { folder + "/videos" }

    /// A content server as a transport: bytes per id, or scripted answers; every request's id is kept.
    final class ContentServer: Sendable {
        private struct State {
            var answers: [String: [StreamedResponse]] = [:]
            var requests: [String] = []
        }
        private let state = Mutex(State())

        /// The bytes served for `id`'s video.
        static func bytes(_ id: String) -> Data {
            Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + Array(id.utf8) + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        }

        /// Queues answers for `id`, used before the normal one.
        func script(_ id: String, _ answers: [StreamedResponse]) { state.withLock { $0.answers[id] = answers } }

        var requests: [String] { state.withLock { $0.requests } }

        var transport: Transport {
            Transport(
                send: { _ in throw TransportError.other("downloads stream") },
                stream: { [self] request in
                    let parts = URL(string: request.url)!.path.split(separator: "/")
                    let id = String(parts[parts.count - 2])
                    let scripted = state.withLock { state -> StreamedResponse? in
                        state.requests.append(id)
                        guard var queue = state.answers[id], !queue.isEmpty else { return nil }
                        let first = queue.removeFirst()
                        state.answers[id] = queue
                        return first
                    }
                    if let scripted { return scripted }
                    let body = Self.bytes(id)
                    return StreamedResponse(
                        status: 200, headers: [("content-type", "video/mp4"), ("content-length", String(body.count))],
                        body: ResponseBody(chunks: [body.prefix(700), body.dropFirst(700)]))
                })
        }
    }

    func setUp(_ server: ContentServer) throws -> (any HistoryStore, Downloader) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = try TestBackend.open(path)
        for (id, status, completed) in [
            ("video_done", "completed", Self.completedAt), ("video_also", "completed", Self.completedAt + 60),
            ("video_old", "completed", Self.completedAt - 7200), ("video_busy", "in_progress", nil),
        ] {
            try db.record(Self.poll(id, status: status, completed: completed), runID: nil)
        }
        let client = VideoAPIClient(
            baseURL: URL(string: "https://api.example.test/v1")!, apiKey: "sk-downloader-test", transport: server.transport,
            clock: Self.clock, policy: RetryPolicy(maxRetries: 2), random: { 0 })
        return (db, try Downloader(database: db, client: client, folder: files, clock: Self.clock))
    }

    static let clock = APIClock(now: { DownloaderTests.now }, sleep: { _ in try Task.checkCancellation() })

    static func poll(_ id: String, status: String, completed: Int64?) -> PollAttempt {
        let body = """
            {"id":"\(id)","object":"video","model":"sora-2","status":"\(status)","progress":0,"created_at":\(completedAt - 300),\
            "completed_at":\(completed.map(String.init) ?? "null"),"expires_at":\(completed.map { String($0 + 3600) } ?? "null"),\
            "size":"720x1280","seconds":"4","error":null}
            """
        return PollAttempt(
            videoID: try! VideoID(validating: id), attempt: 0, startedAt: now, finishedAt: now, httpStatus: 200,
            body: Data(body.utf8), video: try! Video.decode(from: Data(body.utf8)))
    }

    static func ids(_ names: String...) -> [VideoID] { names.map { try! VideoID(validating: $0) } }

    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: files)) ?? []).sorted() }

    @Test("a completed job's video streams to <id>.mp4; the row holds the path, size and SHA-256 of those bytes")
    func downloadsOneFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (db, downloader) = try setUp(server)
        let summary = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 2)
        #expect(summary.exitCode == .ok && summary.downloaded == 1 && summary.attempts == 1)
        let file = files + "/video_done.mp4"
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == ContentServer.bytes("video_done"))
        #expect(entries() == ["video_done.mp4"], "no temporary file is left")
        let row = try #require(try db.downloads(of: Self.ids("video_done")[0]).first)
        #expect(row.ok && row.path == file && row.bytes == Int64(ContentServer.bytes("video_done").count))
        #expect(row.sha256 == sha256Hex(ContentServer.bytes("video_done")))
        #expect(summary.results.map(\.line) == ["video_done: downloaded \(file) (2.0 KB, sha256 \(row.sha256!))"])
    }

    @Test("a second run skips a job whose file is still there; a deleted or changed file is fetched again")
    func idempotent() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (db, downloader) = try setUp(server)
        _ = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 1)
        let again = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 1)
        #expect(again.exitCode == .ok && again.alreadyDownloaded == 1 && again.attempts == 0)
        #expect(again.results[0].line.contains("already downloaded"))
        #expect(server.requests == ["video_done"])
        try FileManager.default.removeItem(atPath: files + "/video_done.mp4")
        let third = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 1)
        #expect(third.downloaded == 1)
        try Data("truncated".utf8).write(to: URL(fileURLWithPath: files + "/video_done.mp4"))
        let fourth = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 1)
        #expect(fourth.downloaded == 1)
        #expect(server.requests == ["video_done", "video_done", "video_done"])
        #expect(try db.downloads(of: Self.ids("video_done")[0]).count == 3)
        let forced = try await downloader.download(Self.ids("video_done"), variant: .video, force: true, concurrency: 1)
        #expect(forced.downloaded == 1 && server.requests.count == 4)
    }

    @Test("expired and unfinished jobs are not fetched and make a named download partial; --force fetches them")
    func skipsExpiredAndUnfinished() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (_, downloader) = try setUp(server)
        let summary = try await downloader.download(Self.ids("video_old", "video_busy", "video_done"), variant: .video, force: false, concurrency: 1)
        #expect(server.requests == ["video_done"])
        #expect(summary.expired == 1 && summary.notCompleted == 1 && summary.downloaded == 1 && summary.exitCode == .partial)
        #expect(summary.results.map(\.outcome) == [
            .expired(at: Self.completedAt - 7200 + 3600), .notCompleted(.running),
            .downloaded(SavedFile(path: files + "/video_done.mp4", bytes: Int64(ContentServer.bytes("video_done").count), sha256: sha256Hex(ContentServer.bytes("video_done"))), attempts: 1),
        ])
        #expect(summary.results[0].line == "video_old: its video expired at 2026-03-12T06:03:20Z, not fetched (--force tries anyway)")
        let forced = try await downloader.download(Self.ids("video_old"), variant: .video, force: true, concurrency: 1)
        #expect(forced.downloaded == 1 && server.requests.last == "video_old")
    }

    @Test("a job not in the database refuses the whole batch before any request")
    func unknownJob() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (_, downloader) = try setUp(server)
        await #expect(throws: StoreError.unknownJob("video_nope")) {
            _ = try await downloader.download(Self.ids("video_done", "video_nope"), variant: .video, force: false, concurrency: 1)
        }
        #expect(server.requests.isEmpty)
    }

    @Test("a JSON error body instead of the bytes: a failed row with that body, no file, exit 1")
    func jsonInsteadOfBytes() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (db, downloader) = try setUp(server)
        let body = #"{"error":{"message":"Video is not ready yet","type":"invalid_request_error","param":null,"code":null}}"#
        server.script("video_done", [StreamedResponse(status: 200, headers: [("content-type", "application/json")], body: ResponseBody(chunks: [Data(body.utf8)]))])
        let summary = try await downloader.download(Self.ids("video_done"), variant: .video, force: false, concurrency: 1)
        #expect(summary.failed == 1 && summary.exitCode == .partial && summary.attempts == 1)
        #expect(entries().isEmpty)
        let row = try #require(try db.downloads(of: Self.ids("video_done")[0]).first)
        #expect(!row.ok && row.httpStatus == 200 && row.body == Data(body.utf8) && row.path == nil)
        #expect(row.error == "the server sent application/json instead of video/mp4: Video is not ready yet")
        #expect(summary.results[0].line == "video_done: failed: the server sent application/json instead of video/mp4: Video is not ready yet")
    }

    @Test("sync's pending downloads: completed, not expired, not downloaded; a job answered 410 is not asked again")
    func pending() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        let (_, downloader) = try setUp(server)
        server.script("video_also", [StreamedResponse(
            status: 410, headers: [("content-type", "application/json")],
            body: ResponseBody(chunks: [Data(#"{"error":{"message":"gone","type":"invalid_request_error","param":null,"code":"video_expired"}}"#.utf8)]))])
        let first = try await downloader.downloadPending(concurrency: 4)
        #expect(Set(server.requests) == ["video_done", "video_also"])
        #expect(first.downloaded == 1 && first.failed == 1 && first.exitCode == .partial)
        let second = try await downloader.downloadPending(concurrency: 4)
        #expect(second.results.isEmpty && second.exitCode == .ok && second.attempts == 0)
        #expect(server.requests.count == 2)
        #expect(entries() == ["video_done.mp4"])
    }

    @Test("the plan: force first, then an intact earlier file, then not completed, then expired, then (sync) gone")
    func plan() {
        let id = Self.ids("video_p")[0]
        let saved = DownloadTarget.Saved(path: "/v/video_p.mp4", bytes: 10, sha256: "x", finishedAt: 0)
        let target = DownloadTarget(videoID: id, phase: .completed, expiresAt: 100, lastSuccess: saved, lastFailedStatus: nil)
        #expect(Downloader.plan(target, force: true, now: 200, named: true) { _ in true } == nil)
        #expect(Downloader.plan(target, force: false, now: 200, named: true) { _ in true } == .alreadyDownloaded(path: saved.path))
        #expect(Downloader.plan(target, force: false, now: 200, named: true) { _ in false } == .expired(at: 100))
        #expect(Downloader.plan(target, force: false, now: 99, named: true) { _ in false } == nil)
        var unfinished = target
        unfinished.phase = .queued
        #expect(Downloader.plan(unfinished, force: false, now: 99, named: true) { _ in false } == .notCompleted(.queued))
        var gone = target
        gone.lastSuccess = nil
        gone.lastFailedStatus = 404
        #expect(Downloader.plan(gone, force: false, now: 99, named: false) { _ in false } == .gone(status: 404))
        #expect(Downloader.plan(gone, force: false, now: 99, named: true) { _ in false } == nil, "a named download asks again")
        var undated = gone
        undated.expiresAt = nil
        #expect(Downloader.plan(undated, force: false, now: 1_000_000, named: true) { _ in false } == nil)
    }

    @Test("a folder that cannot be created is refused before anything happens")
    func badFolder() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("file".utf8).write(to: URL(fileURLWithPath: folder + "/plain"))
        let db = try TestBackend.open(path)
        let client = VideoAPIClient(baseURL: URL(string: "https://api.example.test/v1")!, apiKey: "k", transport: ContentServer().transport)
        #expect(throws: DownloadError.self) { _ = try Downloader(database: db, client: client, folder: folder + "/plain/videos") }
        #expect(throws: DownloadError.cannotCreateFolder(path: folder + "/plain", reason: "a file of that name is in the way")) {
            _ = try Downloader(database: db, client: client, folder: folder + "/plain")
        }
    }

    @Test("a download file is hidden until commit renames it into place; discard and a signal's cleanup remove it")
    func downloadFile() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: files + "/a.mp4"))
        let kept = try DownloadFile(folder: files, name: "a.mp4")
        try kept.write(Data("new bytes".utf8))
        #expect(entries().count == 2 && entries().contains { $0.hasPrefix(".a.mp4.soratrack-\(getpid())-") && $0.hasSuffix(".tmp") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: files + "/a.mp4")) == Data("old".utf8), "the old file stays until commit")
        #expect(try kept.commit() == files + "/a.mp4")
        #expect(entries() == ["a.mp4"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: files + "/a.mp4")) == Data("new bytes".utf8))

        let dropped = try DownloadFile(folder: files, name: "b.mp4")
        try dropped.write(Data("partial".utf8))
        dropped.discard()
        #expect(entries() == ["a.mp4"])

        let interrupted = try DownloadFile(folder: files, name: "c.mp4")
        try interrupted.write(Data("partial".utf8))
        DownloadFile.removeUnfinished()
        #expect(entries() == ["a.mp4"], "SIGINT/SIGTERM remove the files in flight")
        #expect(throws: (any Error).self) { _ = try interrupted.commit() }
        #expect(entries() == ["a.mp4"])
    }

    @Test("a temporary file left by a killed run is removed by the next run into the folder")
    func staleTemporaryFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = ContentServer()
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        // No process has pid 2^22 + 1 (above the kernel's limit), so this one's writer is gone.
        let stale = files + "/.video_done.mp4.soratrack-4194305-abc.tmp"
        let live = files + "/.video_also.mp4.soratrack-\(getpid())-abc.tmp"
        for file in [stale, live] { try Data("partial".utf8).write(to: URL(fileURLWithPath: file)) }
        _ = try setUp(server)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live), "a file of a process still running is left alone")
    }
}
