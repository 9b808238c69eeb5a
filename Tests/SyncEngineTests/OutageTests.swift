import Foundation
import JobStore
import SyncEngine
import TestSupport
import Testing
import VideoAPI

/// The circuit breaker on a scripted API and a virtual clock: when the run stops, what it records, what it leaves alone.
@Suite("Sync engine outages")
struct OutageTests: TemporaryDatabaseSuite {
    let path = NSTemporaryDirectory() + "soratrack-outage-\(UUID().uuidString).sqlite"

    static let ids = (1...50).map { "video_\($0)" }

    /// Checks that the jobs no request was sent for have no snapshot and are still open, and returns how many there are.
    func untouched(_ db: any HistoryStore, _ api: ScriptedAPI) throws -> Int {
        let asked = Set(api.requests.map { String($0.split(separator: "/").last ?? "") })
        var count = 0
        for id in Self.ids where !asked.contains(id) {
            let videoID = try VideoID(validating: id)
            #expect(try db.snapshots(of: videoID).isEmpty, "\(id) was not asked, so it has no snapshot")
            #expect(try db.job(videoID)?.polls == 0)
            count += 1
        }
        return count
    }

    @Test("every connection refused: the breaker stops the run after the first round, exit 69, the other jobs untouched")
    func refusedEverywhere() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { _ in .unreachable }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 8))
        guard case .unreachable(let inARow, let error)? = summary.stop else {
            Issue.record("the breaker did not open: \(String(describing: summary.stop))")
            return
        }
        #expect(inARow == 8)
        #expect(error == "transport: connection refused by 127.0.0.1:9")
        #expect(summary.exitCode == .unavailable)
        // Every request sent is one snapshot; a job that was tried failed; the others are not errors of their own.
        #expect(try db.counts().snapshots == api.requests.count)
        #expect(summary.counts.attempts == api.requests.count && summary.counts.responses == 0)
        #expect(summary.counts.pollErrors == summary.counts.jobs)
        let left = try untouched(db, api)
        #expect(left == summary.skipped && left == Self.ids.count - summary.counts.jobs)
        #expect(left >= Self.ids.count - 9, "at most one job more than the first round was started: \(summary.counts.jobs)")
        #expect(summary.stillOpen == Self.ids.count)
    }

    @Test("every answer a gateway's 502 page: the breaker opens as a failing provider, exit 1, the other jobs untouched")
    func gatewayFailing() async throws {
        defer { cleanUp() }
        let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
        let api = ScriptedAPI { _ in .json(502, page, headers: [("content-type", "text/html")]) }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 4))
        guard case .providerFailing(let inARow, let error)? = summary.stop else {
            Issue.record("the breaker did not open: \(String(describing: summary.stop))")
            return
        }
        #expect(inARow == 6, "two jobs' worth of attempts: max(4, 2 × 3)")
        #expect(error.hasPrefix("HTTP 502"))
        #expect(summary.exitCode == .partial)
        let snapshots = try db.counts().snapshots
        #expect(summary.counts.responses == api.requests.count && snapshots == api.requests.count)
        #expect(try untouched(db, api) == summary.skipped)
        #expect(summary.skipped > 0)
    }

    @Test("answers between failures keep the breaker closed: a dead job is an error of its own, the rest are polled")
    func oneDeadJobAmongMany() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in id == "video_7" ? .unreachable : .json(200, ScriptedAPI.video(id, "queued")) }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 1))
        #expect(summary.stop == nil)
        #expect(summary.counts.jobs == Self.ids.count && summary.skipped == 0)
        #expect(summary.counts.pollErrors == 1 && summary.exitCode == .partial)
        #expect(try db.snapshots(of: VideoID(validating: "video_7")).count == 3)
    }

    @Test("the API going away in the middle of a run: the breaker opens on failures in a row, exit 69")
    func goesAwayMidRun() async throws {
        defer { cleanUp() }
        // The first ten jobs answer; every job after them finds nothing listening.
        let api = ScriptedAPI { id in
            (Int(id.dropFirst("video_".count)) ?? 0) <= 10 ? .json(200, ScriptedAPI.video(id, "queued")) : .unreachable
        }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 1))
        guard case .unreachable(let inARow, _)? = summary.stop else {
            Issue.record("the breaker did not open: \(String(describing: summary.stop))")
            return
        }
        #expect(inARow == 6)
        #expect(summary.exitCode == .unavailable)
        #expect(summary.counts.jobs == 12, "ten answered, then two jobs failed all their attempts")
        #expect(summary.counts.responses == 10 && summary.counts.pollErrors == 2)
        #expect(try untouched(db, api) == Self.ids.count - 12)
    }

    @Test("a 503 model_not_found on every job is the provider answering: the breaker stays closed")
    func permanentServerErrorsAreAnswers() async throws {
        defer { cleanUp() }
        let body = #"{"error":{"message":"no available channel for group default and model sora-2-all","type":"comet_api_error","param":"","code":"model_not_found"}}"#
        let api = ScriptedAPI { _ in .json(503, body) }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock).sync(SyncOptions(concurrency: 8))
        #expect(summary.stop == nil)
        #expect(summary.counts.jobs == Self.ids.count && api.requests.count == Self.ids.count)
        #expect(summary.exitCode == .partial)
    }

    @Test("watch stops like sync when the breaker opens, and records what it tried")
    func watchStopsOnOutage() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { _ in .unreachable }
        let db = try database(tracking: Self.ids)
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock)
            .watch(SyncOptions(concurrency: 4, command: "watch"), interval: .seconds(10), forever: true, stop: StopSignal())
        #expect(summary.exitCode == .unavailable)
        #expect(try db.counts().snapshots == api.requests.count)
        #expect(try untouched(db, api) > 0)
    }
}
