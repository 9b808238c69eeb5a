import Foundation
import JobStore
import Synchronization
import SyncEngine
import TestSupport
import Testing
import VideoAPI

@Suite("Watch")
struct WatchTests {
    let path = NSTemporaryDirectory() + "soratrack-watch-\(UUID().uuidString).sqlite"

    func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func database(tracking ids: [String]) throws -> any HistoryStore {
        let db = try TestBackend.open(path)
        _ = try db.track(ids.map { try VideoID(validating: $0) }, label: nil, at: Date(timeIntervalSince1970: 1_773_300_000))
        return db
    }

    @Test("watch re-polls each open job every interval until all are finished")
    func pollsUntilDone() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI()
        api.script("video_a", [
            .json(200, ScriptedAPI.video("video_a", "queued")), .json(200, ScriptedAPI.video("video_a", "in_progress")),
            .json(200, ScriptedAPI.video("video_a", "completed")),
        ])
        api.script("video_b", [.json(200, ScriptedAPI.video("video_b", "completed"))])
        let db = try database(tracking: ["video_a", "video_b"])
        let engine = SyncEngine(database: db, client: api.client(), clock: api.clock)
        let summary = try await engine.watch(SyncOptions(command: "watch"), interval: .seconds(10), forever: false, stop: StopSignal())
        #expect(api.requests.filter { $0.hasSuffix("video_a") }.count == 3)
        #expect(api.requests.filter { $0.hasSuffix("video_b") }.count == 1)
        #expect(summary.stillOpen == 0 && summary.counts.completed == 2 && summary.exitCode == .ok)
        #expect(try db.counts().runs == 1)
    }

    @Test("openai-poll-after-ms sets when a job is polled next")
    func honoursPollAfter() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI()
        let times = Mutex<[Date]>([])
        let clock = api.clock
        api.script("video_a", [
            .json(200, ScriptedAPI.video("video_a", "in_progress"), headers: [("openai-poll-after-ms", "30000")]),
            .json(200, ScriptedAPI.video("video_a", "completed")),
        ])
        let db = try database(tracking: ["video_a"])
        let timed = VideoAPIClient(
            baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: "sk-test",
            transport: Transport { request in
                times.withLock { $0.append(clock.now()) }
                return try await api.transport.send(request)
            }, clock: clock, random: { 0 })
        _ = try await SyncEngine(database: db, client: timed, clock: clock)
            .watch(SyncOptions(command: "watch"), interval: .seconds(5), forever: false, stop: StopSignal())
        let polled = times.withLock { $0 }
        #expect(polled.count == 2)
        #expect(polled[1].timeIntervalSince(polled[0]) >= 30)
    }

    @Test("jobs tracked by someone else while watching are picked up; stop ends the watch")
    func picksUpNewJobs() async throws {
        defer { cleanUp() }
        let db = try database(tracking: ["video_a"])
        let other = try TestBackend.open(path)
        let stop = StopSignal()
        let api = ScriptedAPI { id in
            if id == "video_a" {
                _ = try? other.track([try! VideoID(validating: "video_late")], label: nil, at: Date())
                return .json(200, ScriptedAPI.video(id, "completed"))
            }
            stop.stop()
            return .json(200, ScriptedAPI.video(id, "completed"))
        }
        let summary = try await SyncEngine(database: db, client: api.client(), clock: api.clock)
            .watch(SyncOptions(command: "watch"), interval: .seconds(5), forever: true, stop: stop)
        #expect(api.requests.contains { $0.hasSuffix("video_late") })
        #expect(summary.counts.completed == 2)
    }

    @Test("a stop while idle returns at once, even in forever mode", .timeLimit(.minutes(5)))
    func stopWhileIdle() async throws {
        defer { cleanUp() }
        let db = try database(tracking: [])
        let stop = StopSignal()
        // The idle wait is an hour-long sleep that only cancellation ends: the watch can only return while it
        // is still pending, woken by the stop, and never because the wait ran out.
        let (sleeping, sleepStarted) = AsyncStream<Duration>.makeStream()
        let endings = Mutex<[String]>([])
        let idleClock = APIClock(now: { Date(timeIntervalSince1970: 1_773_300_000) }, sleep: { duration in
            sleepStarted.yield(duration)
            do {
                try await Task.sleep(for: .seconds(3600))
                endings.withLock { $0.append("ran out") }
            } catch {
                endings.withLock { $0.append("cancelled") }
                throw error
            }
        })
        let engine = SyncEngine(database: db, client: ScriptedAPI().client(), clock: idleClock)
        let watching = Task {
            try await engine.watch(SyncOptions(command: "watch"), interval: .seconds(60), forever: true, stop: stop, rescanEvery: .seconds(60))
        }
        var idle = sleeping.makeAsyncIterator()
        let firstWait = await idle.next()
        #expect(firstWait == .seconds(60), "the watch went idle until its next rescan")
        #expect(endings.withLock { $0 }.isEmpty, "the idle wait is pending when the stop comes")
        stop.stop()
        let summary = try await watching.value
        #expect(endings.withLock { $0 } == ["cancelled"], "the stop woke the idle wait")
        sleepStarted.finish()
        #expect(await idle.next() == nil, "no further wait after the stop")
        #expect(summary.counts.jobs == 0)
    }
}
