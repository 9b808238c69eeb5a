import Foundation
import GRDB
import JobStore
import TestSupport
import Testing
import VideoModel

@Suite("Recording polls")
struct RecordingTests {
    let folder = TemporaryFolder()

    func database() throws -> any HistoryStore { try TestBackend.open(folder.file("jobs.sqlite")) }

    @Test("a successful poll becomes a snapshot and the job's latest state")
    func successfulPoll() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: "teaser", at: Poll.t0)
        let recorded = try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 40), requestID: "req_1"), runID: nil)
        #expect(recorded.before == .unknown && recorded.after == .running)
        let job = try #require(try db.job(Poll.id("video_a")))
        #expect(job.status == "in_progress" && job.phase == .running && job.progress == 40)
        #expect(job.model == "sora-2" && job.prompt == "a cat" && job.label == "teaser" && job.polls == 1)
        let snapshots = try db.snapshots(of: Poll.id("video_a"))
        #expect(snapshots.count == 1)
        #expect(snapshots[0].httpStatus == 200 && snapshots[0].requestID == "req_1" && snapshots[0].progress == 40)
        #expect(String(decoding: try #require(snapshots[0].body), as: UTF8.self).contains("\"progress\":40"))
        #expect(try db.openJobs().map(\.videoID) == [Poll.id("video_a")])
    }

    @Test("the indexed columns follow every change: created_at arriving late or moving, expires_at, terminal and back")
    func indexedColumnsFollowChanges() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: nil, at: Poll.t0)
        // No created_at at first (a proxy that leaves it out), then the real one, then the same again.
        try db.record(Poll.ok("video_a", #"{"id":"video_a","object":"video","status":"queued"}"#, at: 0), runID: nil)
        #expect(try db.job(Poll.id("video_a"))?.createdAt == nil)
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 10, created: 1_773_296_991), at: 1), runID: nil)
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 20, created: 1_773_296_991), at: 2), runID: nil)
        var job = try #require(try db.job(Poll.id("video_a")))
        #expect(job.createdAt == 1_773_296_991 && job.progress == 20 && job.polls == 3 && job.phase == .running)
        #expect(try db.jobs(Self.created(1_773_296_991)).count == 1)
        // A provider that corrects created_at: the window index must follow.
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 30, created: 1_773_296_000), at: 3), runID: nil)
        #expect(try db.jobs(Self.created(1_773_296_991)).isEmpty)
        #expect(try db.jobs(Self.created(1_773_296_000)).count == 1)
        // Completion sets expires_at and terminal; a later "running" answer (a confused proxy) reopens it.
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "completed", progress: 100, created: 1_773_296_000, completed: 1_773_297_000), at: 4), runID: nil)
        job = try #require(try db.job(Poll.id("video_a")))
        #expect(job.expiresAt == 1_773_300_600 && job.phase == .completed)
        #expect(try db.openJobs().isEmpty)
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 99, created: 1_773_296_000), at: 5), runID: nil)
        #expect(try db.openJobs().map(\.videoID) == [Poll.id("video_a")])
        #expect(try db.job(Poll.id("video_a"))?.expiresAt == 1_773_300_600, "a null expires_at keeps the known one")
        let integrity = try DatabaseQueue(path: folder.file("jobs.sqlite")).read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"], "every index agrees with its table")
    }

    /// Jobs created in the one second starting at `second` (through the `job_created_at` index).
    static func created(_ second: Int64) -> JobFilter {
        JobFilter(since: Date(timeIntervalSince1970: Double(second)), until: Date(timeIntervalSince1970: Double(second + 1)))
    }

    @Test("completion ends the job with its duration and leaves the open list")
    func completion() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: nil, at: Poll.t0)
        let done = try db.record(Poll.ok("video_a", Poll.video("video_a", status: "completed", progress: 100, created: 1000, completed: 1068)), runID: nil)
        #expect(done.becameTerminal && done.after == .completed)
        let job = try #require(try db.job(Poll.id("video_a")))
        #expect(job.durationSeconds == 68 && job.expiresAt == 4668)
        #expect(try db.openJobs().isEmpty)
    }

    @Test("identical response bodies are stored once, every poll is still a snapshot")
    func bodiesAreDeduplicated() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: nil, at: Poll.t0)
        let body = Poll.video("video_a", status: "queued")
        for second in 0..<5 { try db.record(Poll.ok("video_a", body, at: Double(second)), runID: nil) }
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", progress: 5), at: 6), runID: nil)
        let counts = try db.counts()
        #expect(counts.snapshots == 6 && counts.bodies == 2)
    }

    @Test("three 404s in a row end the job as not_found; another answer resets the count, a transport failure does not")
    func notFoundRule() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_gone")], label: nil, at: Poll.t0)
        try db.record(Poll.status("video_gone", 404), runID: nil)
        try db.record(Poll.status("video_gone", 404, at: 1), runID: nil)
        try db.record(Poll.status("video_gone", 500, at: 2), runID: nil)  // resets
        try db.record(Poll.status("video_gone", 404, at: 3), runID: nil)
        try db.record(Poll.unreachable("video_gone", at: 4), runID: nil)  // leaves the streak at 1
        try db.record(Poll.status("video_gone", 404, at: 5), runID: nil)
        #expect(try db.job(Poll.id("video_gone"))?.phase != .notFound)
        let last = try db.record(Poll.status("video_gone", 404, at: 6), runID: nil)
        #expect(last.after == .notFound && last.becameTerminal)
        let job = try #require(try db.job(Poll.id("video_gone")))
        #expect(job.status == "not_found" && job.polls == 7)
        #expect(try db.openJobs().isEmpty)
        let transport = try db.snapshots(of: Poll.id("video_gone"))[4]
        #expect(transport.httpStatus == nil && transport.pollError == "transport: connection refused" && transport.body == nil)
    }

    @Test("track revives not_found and abandoned jobs, and keeps their provider status")
    func trackRevives() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a"), Poll.id("video_b")], label: nil, at: Poll.t0)
        try db.record(Poll.ok("video_a", Poll.video("video_a", status: "in_progress", created: 1_000)), runID: nil)
        let abandoned = try db.abandonStale(now: Poll.t0.addingTimeInterval(25 * 3600), giveUpAfter: .seconds(24 * 3600))
        #expect(abandoned.sorted() == ["video_a", "video_b"])
        #expect(try db.job(Poll.id("video_a"))?.status == "abandoned")
        let result = try db.track([Poll.id("video_a"), Poll.id("video_c")], label: "again", at: Poll.t0.addingTimeInterval(26 * 3600))
        #expect(result.revived == [Poll.id("video_a")] && result.added == [Poll.id("video_c")])
        let job = try #require(try db.job(Poll.id("video_a")))
        #expect(job.status == "in_progress" && job.phase == .running && job.label == "again")
        #expect(Set(try db.openJobs().map(\.videoID)) == [Poll.id("video_a"), Poll.id("video_c")])
    }

    @Test("give-up age counts from created_at (first seen when unknown) and from the last track")
    func giveUpAge() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_old"), Poll.id("video_new")], label: nil, at: Poll.t0)
        _ = try db.track([Poll.id("video_unpolled")], label: nil, at: Poll.t0.addingTimeInterval(7200))
        let created = Int(Poll.t0.timeIntervalSince1970)
        try db.record(Poll.ok("video_old", Poll.video("video_old", status: "queued", created: created - 23 * 3600)), runID: nil)
        try db.record(Poll.ok("video_new", Poll.video("video_new", status: "queued", created: created + 600)), runID: nil)
        // video_old is 24h old but was tracked only 1h ago: it still gets polled.
        #expect(try db.abandonStale(now: Poll.t0.addingTimeInterval(3600), giveUpAfter: .seconds(24 * 3600)) == [])
        let later = try db.abandonStale(now: Poll.t0.addingTimeInterval(24 * 3600 + 1), giveUpAfter: .seconds(24 * 3600))
        #expect(later == ["video_old"])
        #expect(Set(try db.openJobs().map(\.videoID.rawValue)) == ["video_new", "video_unpolled"])
    }

    @Test("untrack of an unknown id changes nothing")
    func untrackUnknown() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: nil, at: Poll.t0)
        let unknown = try db.untrack([Poll.id("video_a"), Poll.id("video_zzz")])
        #expect(unknown == [Poll.id("video_zzz")])
        #expect(try db.openJobs().count == 1)
        #expect(try db.untrack([Poll.id("video_a")]) == [])
        #expect(try db.openJobs().isEmpty)
        #expect(try db.job(Poll.id("video_a"))?.tracking == false)
    }

    @Test("snapshots cannot be updated")
    func appendOnly() throws {
        defer { folder.remove() }
        let db = try database()
        _ = try db.track([Poll.id("video_a")], label: nil, at: Poll.t0)
        try db.record(Poll.status("video_a", 500), runID: nil)
        let queue = try DatabaseQueue(path: folder.file("jobs.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE snapshot SET http_status = 200") }
        }
    }
}
