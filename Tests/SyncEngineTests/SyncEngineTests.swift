import Foundation
import JobStore
import SyncEngine
import TestSupport
import Testing
import VideoAPI

@Suite("Sync engine")
struct SyncEngineTests: TemporaryDatabaseSuite {
    let path = NSTemporaryDirectory() + "soratrack-sync-\(UUID().uuidString).sqlite"

    @Test("a 429 with retry-after-ms is retried after that wait, and both responses are recorded")
    func retriesAfterRateLimit() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI()
        api.script("video_a", [
            .json(429, #"{"error":{"message":"Too many requests","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"#, headers: [("retry-after-ms", "1500")]),
            .json(200, ScriptedAPI.video("video_a", "in_progress", progress: 30)),
        ])
        let db = try database(tracking: ["video_a"])
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions())
        #expect(api.sleeps == [.milliseconds(1500)])
        #expect(summary.counts.attempts == 2 && summary.counts.responses == 2 && summary.exitCode == .ok)
        let snapshots = try db.snapshots(of: VideoID(validating: "video_a"))
        #expect(snapshots.map(\.httpStatus) == [429, 200])
        #expect(snapshots[0].errorCode == "rate_limit_exceeded" && snapshots[0].pollError != nil)
        #expect(snapshots.map(\.requestID) == ["req_1", "req_2"])
        #expect(try db.job(VideoID(validating: "video_a"))?.progress == 30)
    }

    @Test("every open job is polled once and finished jobs are not polled again")
    func pollsOpenJobsOnce() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, id.hasSuffix("done") ? "completed" : "queued")) }
        let db = try database(tracking: ["video_1", "video_2", "video_3done"])
        let engine = SyncEngine(database: db, client: api.client(), clock: api.clock)
        let first = try await engine.sync(SyncOptions())
        #expect(first.counts.jobs == 3 && first.counts.completed == 1 && first.stillOpen == 2)
        api.advance(.seconds(60))  // the next run starts later (on a shared history, rounds are told apart by time)
        let second = try await engine.sync(SyncOptions())
        #expect(second.counts.jobs == 2)
        #expect(api.requests.filter { $0.hasSuffix("video_3done") }.count == 1)
        #expect(try db.counts().runs == 2)
    }

    @Test("a 401 stops the run at once: no request after it, exit 77")
    func unauthorizedStops() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { _ in .json(401, #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#) }
        let db = try database(tracking: (1...20).map { "video_\($0)" })
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 1))
        #expect(api.requests.count == 1)
        #expect(summary.authFailure != nil && summary.exitCode == .noPermission && summary.skipped == 19)
        #expect(try db.counts().snapshots == 1)
    }

    @Test("when nothing answers the run is unreachable (69) and every attempt is recorded with no status")
    func unreachable() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { _ in .unreachable }
        let db = try database(tracking: ["video_1", "video_2"])
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions())
        #expect(summary.unreachable && summary.exitCode == .unavailable)
        #expect(summary.counts.attempts == 6 && api.requests.count == 6)
        let snapshots = try db.snapshots(of: VideoID(validating: "video_1"))
        #expect(snapshots.count == 3 && snapshots.allSatisfy { $0.httpStatus == nil && $0.pollError != nil })
    }

    @Test("a job that still fails after its retries makes the run partial (exit 1); the others are recorded")
    func partialFailure() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in
            id == "video_bad"
                ? .json(503, #"{"error":{"message":"busy","type":"comet_api_error","code":""}}"#)
                : .json(200, ScriptedAPI.video(id, "completed"))
        }
        let db = try database(tracking: ["video_ok", "video_bad"])
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions())
        #expect(summary.exitCode == .partial && summary.counts.pollErrors == 1 && summary.counts.completed == 1)
        #expect(try db.snapshots(of: VideoID(validating: "video_bad")).count == 3)
    }

    @Test("no more than --concurrency requests are in flight")
    func boundedConcurrency() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued")) }
        let db = try database(tracking: (1...50).map { "video_\($0)" })
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 3))
        #expect(summary.counts.jobs == 50 && api.requests.count == 50)
        #expect(api.maxInFlight <= 3)
    }

    @Test("--max-duration stops launching requests; the rest are left for the next run")
    func maxDuration() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued")) }
        api.setRequestCost(.seconds(1))
        let db = try database(tracking: (1...10).map { "video_\($0)" })
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock)
            .sync(SyncOptions(concurrency: 1, maxDuration: .milliseconds(3500)))
        #expect(summary.counts.jobs == 4 && summary.skipped == 6 && summary.deadlineReached)
        #expect(summary.exitCode == .ok)
    }

    @Test("jobs past the give-up age are abandoned without a request")
    func abandons() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued")) }
        let db = try database(tracking: ["video_1"])
        api.setRequestCost(.zero)
        let clock = APIClock(now: { Date(timeIntervalSince1970: 1_773_300_000 + 2 * 86400) }, sleep: { _ in })
        let summary = try await SyncEngine(database: db, client: api.client(), clock: clock).sync(SyncOptions())
        #expect(summary.abandoned == 1 && summary.counts.jobs == 0 && api.requests.isEmpty)
        #expect(try db.job(VideoID(validating: "video_1"))?.status == "abandoned")
    }

    @Test("three 404 answers over three runs end the job as not_found")
    func notFoundAfterThreeRuns() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI()
        let db = try database(tracking: ["video_gone"])
        let engine = SyncEngine(database: db, client: api.client(), clock: api.clock)
        var last = SyncSummary()
        for _ in 0..<3 {
            last = try await engine.sync(SyncOptions())
            api.advance(.seconds(60))  // the next cron run
        }
        #expect(last.notFound == 1 && last.stillOpen == 0)
        #expect(api.requests.count == 3)  // a 404 is not retried
    }

    @Test("the API key never reaches the database, even when a response reflects it back")
    func keyNotStored() async throws {
        defer { cleanUp() }
        let key = ScriptedAPI.echoedKey
        // Each job is answered on another path by which a reflected key could reach a row.
        let answers: [String: ScriptedAPI.Answer] = [
            "video_html": .json(500, "<html><title>500 Internal</title><p>bearer \(key)</p></html>"),
            "video_error": .json(401, #"{"error":{"message":"Incorrect API key provided: \#(key)","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#),
            "video_failed": .json(200, #"{"id":"video_failed","object":"video","model":"sora-2","status":"failed","progress":0,"created_at":1773296991,"completed_at":null,"expires_at":null,"size":"1280x720","seconds":"4","error":{"code":"internal_error","message":"upstream refused \#(key)"}}"#),
            "video_unreadable": .json(200, #"{"id":"video_unreadable","object":"video","status":"\#(key)"}"#),
            "video_redirect": .json(302, "", headers: [("location", "https://login.example.test/?token=\(key)")]),
            "video_transport": .failure(.other("proxy refused the bearer \(key)")),
        ]
        let api = ScriptedAPI { id in answers[id] ?? .json(404, "{}") }
        let ids = answers.keys.sorted()
        let db = try database(tracking: ids)
        _ = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions())
        #expect(Set(api.requests.map { String($0.split(separator: "/").last ?? "") }) == Set(ids), "every path was tried")
        for id in ids {
            let snapshots = try db.snapshots(of: VideoID(validating: id))
            let texts = snapshots.flatMap { [$0.body.map { String(decoding: $0, as: UTF8.self) }, $0.errorMessage, $0.pollError] }
            #expect(texts.contains { $0?.contains("[redacted]") == true }, "\(id): the reflected key was not recorded redacted: \(texts)")
        }
        let bytes = try TestBackend.storedBytes(path)
        #expect(bytes.range(of: Data("sk-test-secret".utf8)) == nil)
    }
}
