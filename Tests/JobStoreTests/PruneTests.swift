import Foundation
import GRDB
import JobStore
import TestSupport
import Testing
import VideoModel

/// `prune` on a hand-built history; offsets are seconds after `Poll.t0`, and every snapshot has its own offset so
/// the survivors are named by it.
@Suite("Prune")
struct PruneTests {
    let folder = TemporaryFolder()

    func database() throws -> any HistoryStore { try TestBackend.open(folder.file("jobs.sqlite")) }

    static func at(_ offset: Double) -> Date { Poll.t0.addingTimeInterval(offset) }

    /// Job a: every kind of change; job b: failures at the end (its newest successful poll must stay);
    /// job c: a repeated poll whose body a download row still references.
    func build(_ db: any HistoryStore) throws {
        _ = try db.track([Poll.id("video_a"), Poll.id("video_b"), Poll.id("video_c")], label: nil, at: Poll.t0)
        func a(_ status: String, _ progress: Int, at offset: Double) throws {
            try db.record(Poll.ok("video_a", Poll.video("video_a", status: status, progress: progress), at: offset), runID: nil)
        }
        try a("queued", 0, at: 0)  // first: stays
        try a("queued", 0, at: 10)  // same: goes
        try a("queued", 0, at: 20)  // same: goes
        try a("in_progress", 10, at: 30)  // status changed: stays
        try a("in_progress", 20, at: 40)  // same status: goes, and its body with it
        try db.record(Poll.unreachable("video_a", at: 50), runID: nil)  // no response now: stays
        try db.record(Poll.unreachable("video_a", at: 60), runID: nil)  // same: goes
        try db.record(Poll.status("video_a", 500, at: 70), runID: nil)  // a 5xx instead: stays
        try a("in_progress", 30, at: 80)  // answers again: stays
        try a("in_progress", 40, at: 90)  // goes (body too)
        try a("in_progress", 50, at: 100)  // goes (body too)
        try a("in_progress", 60, at: 110)  // after the cut-off (105): stays
        try a("completed", 100, at: 120)  // last: stays

        func b(_ progress: Int, at offset: Double) throws {
            try db.record(Poll.ok("video_b", Poll.video("video_b", status: "in_progress", progress: progress), at: offset), runID: nil)
        }
        try b(10, at: 1)  // first: stays
        try b(20, at: 11)  // goes (body too)
        try b(30, at: 21)  // newest successful poll (the job row mirrors it): stays
        try db.record(Poll.unreachable("video_b", at: 31), runID: nil)  // stays
        try db.record(Poll.unreachable("video_b", at: 41), runID: nil)  // goes
        try db.record(Poll.unreachable("video_b", at: 51), runID: nil)  // last: stays

        try db.record(Poll.ok("video_c", Poll.video("video_c", status: "queued"), at: 2), runID: nil)  // first
        try db.record(Poll.ok("video_c", Poll.video("video_c", status: "queued", progress: 1), at: 12), runID: nil)  // goes, body stays
        try db.record(Poll.ok("video_c", Poll.video("video_c", status: "completed", progress: 100), at: 22), runID: nil)  // last
        // A failed download whose error body is the body of that second poll.
        let at = Poll.t0.addingTimeInterval(30)
        try db.recordDownload(DownloadAttempt(
            videoID: Poll.id("video_c"), variant: .video, attempt: 0, startedAt: at, finishedAt: at, httpStatus: 404,
            contentType: "application/json", body: Data(Poll.video("video_c", status: "queued", progress: 1).utf8), error: "HTTP 404"))
    }

    /// The offsets of the snapshots of `id` still in the database.
    func survivors(_ db: any HistoryStore, _ id: String) throws -> [Double] {
        try db.snapshots(of: Poll.id(id)).map { Double($0.polledAt) / 1000 - Poll.t0.timeIntervalSince1970 }
    }

    @Test("keeps each job's first, last, newest successful and changed snapshots and those after the cut-off; removes the rest")
    func selection() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        let result = try db.prune(before: Self.at(105), dryRun: false)
        #expect(try survivors(db, "video_a") == [0, 30, 50, 70, 80, 110, 120])
        #expect(try survivors(db, "video_b") == [1, 21, 31, 51])
        #expect(try survivors(db, "video_c") == [2, 22])
        #expect(result.snapshotsBefore == 22 && result.snapshotsRemoved == 9 && !result.dryRun)
        #expect(try db.counts().snapshots == 13)
        #expect(try db.job(Poll.id("video_b"))?.progress == 30)
        #expect(try db.snapshots(of: Poll.id("video_b")).last(where: { $0.status != nil })?.progress == 30)
    }

    @Test("removes exactly the bodies nothing references any more; a body a download row references stays")
    func bodies() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        let before = try db.counts().bodies
        let removedBodies = [
            Poll.video("video_a", status: "in_progress", progress: 20), Poll.video("video_a", status: "in_progress", progress: 40),
            Poll.video("video_a", status: "in_progress", progress: 50), Poll.video("video_b", status: "in_progress", progress: 20),
        ]
        let result = try db.prune(before: Self.at(105), dryRun: false)
        #expect(result.bodiesRemoved == 4)
        #expect(result.bodyBytesRemoved == Int64(removedBodies.reduce(0) { $0 + $1.utf8.count }))
        #expect(try db.counts().bodies == before - 4)
        var contents: [String] = []
        try db.rows(of: .body) { row in
            for case .bytes(let content) in row { contents.append(String(decoding: content, as: UTF8.self)) }
            for case .text(let content) in row { contents.append(content) }
        }
        #expect(contents.count == before - 4)
        for body in removedBodies { #expect(!contents.contains(body)) }
        #expect(contents.contains(Poll.video("video_c", status: "queued", progress: 1)))  // kept by the download row
        if TestBackend.isSQLite {
            let queue = try DatabaseQueue(path: folder.file("jobs.sqlite"))
            defer { try? queue.close() }
            try queue.read { (db: Database) throws in
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_foreign_key_check") == 0)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            }
        }
    }

    @Test("job rows are untouched: a prune changes no job's state, times or poll count")
    func jobsUntouched() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        let jobs = try db.jobs()
        _ = try db.prune(before: Self.at(105), dryRun: false)
        #expect(try db.jobs() == jobs)
    }

    @Test("only snapshots polled before the cut-off may go")
    func cutoff() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        let result = try db.prune(before: Self.at(15), dryRun: false)
        #expect(result.snapshotsRemoved == 3)  // a at 10, b at 11, c at 12
        #expect(try survivors(db, "video_a").prefix(3) == [0, 20, 30])
        #expect(try db.prune(before: Self.at(0), dryRun: false).snapshotsRemoved == 0)
    }

    @Test(
        "a dry run counts the same as the prune and changes nothing; the read-only preview leaves the file byte for byte",
        .enabled(if: TestBackend.isSQLite, "the preview opens a SQLite file read-only"))
    func dryRun() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        let counts = try db.counts()
        let dry = try db.prune(before: Self.at(105), dryRun: true)
        #expect(try db.counts() == counts)
        let file = try Data(contentsOf: URL(fileURLWithPath: folder.file("jobs.sqlite")))
        let preview = try JobDatabase.prunePreview(path: folder.file("jobs.sqlite"), before: Self.at(105))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("jobs.sqlite"))) == file)
        #expect(preview == dry && dry.dryRun && dry.freedBytes == nil)
        var real = try db.prune(before: Self.at(105), dryRun: false)
        #expect(real.freedBytes != nil)
        real.dryRun = true
        real.freedBytes = nil
        #expect(real == dry)
        #expect(try db.prune(before: Self.at(105), dryRun: false).snapshotsRemoved == 0)  // nothing left to remove
    }

    @Test(
        "the preview refuses a missing file and a file that is not a database, like every command",
        .enabled(if: TestBackend.isSQLite, "the preview opens a SQLite file read-only"))
    func previewRefusals() throws {
        defer { folder.remove() }
        #expect(throws: StoreError.missing(path: folder.file("none.sqlite"))) {
            try JobDatabase.prunePreview(path: folder.file("none.sqlite"), before: Poll.t0)
        }
        try Data("not a database at all, really".utf8).write(to: URL(fileURLWithPath: folder.file("junk")))
        #expect(throws: StoreError.notADatabase(path: folder.file("junk"))) {
            try JobDatabase.prunePreview(path: folder.file("junk"), before: Poll.t0)
        }
    }

    @Test("vacuum after a prune keeps every row and a sound file")
    func vacuum() throws {
        defer { folder.remove() }
        let db = try database()
        try build(db)
        _ = try db.prune(before: Self.at(105), dryRun: false)
        let counts = try db.counts()
        try db.vacuum()
        #expect(try db.counts() == counts)
        #expect(db.fileSize() > 0)
    }
}
