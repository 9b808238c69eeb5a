import Foundation
import GRDB
import JobStore
import Migrations
import TestSupport
import Testing
import VideoModel

/// The `download` table: what one attempt leaves, and what downloads, `jobs` and the loss counts read back.
@Suite("Recording downloads")
struct DownloadRecordingTests {
    static let completed = 1_773_297_100

    /// A database tracking `video_done` (completed, expires at completed + 3600) and `video_running`.
    func database(_ folder: TemporaryFolder) throws -> any HistoryStore {
        let db = try TestBackend.open(folder.file("jobs.sqlite"))
        try db.record(Poll.ok("video_done", Poll.video("video_done", status: "completed", progress: 100, completed: Self.completed)), runID: nil)
        try db.record(Poll.ok("video_running", Poll.video("video_running", status: "in_progress", progress: 20)), runID: nil)
        return db
    }

    static func attempt(
        _ id: String, variant: ContentVariant = .video, at offset: Double = 0, status: Int? = 200, file: SavedFile? = nil,
        body: String? = nil, error: String? = nil
    ) -> DownloadAttempt {
        DownloadAttempt(
            videoID: Poll.id(id), variant: variant, attempt: 0, startedAt: Poll.t0.addingTimeInterval(offset),
            finishedAt: Poll.t0.addingTimeInterval(offset + 0.25), httpStatus: status, requestID: status.map { "req_\($0)_\(offset)" },
            contentType: file == nil ? "application/json" : "video/mp4", file: file, body: body.map { Data($0.utf8) },
            error: error)
    }

    static let saved = SavedFile(path: "/videos/video_done.mp4", bytes: 4096, sha256: String(repeating: "ab", count: 32))

    @Test("an ok attempt is one row with the file's path, size and SHA-256, and shows in jobs as downloaded_at")
    func okRow() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        try db.recordDownload(Self.attempt("video_done", file: Self.saved))
        let rows = try db.downloads(of: Poll.id("video_done"))
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.ok && row.variant == .video && row.httpStatus == 200 && row.contentType == "video/mp4")
        #expect(row.path == Self.saved.path && row.bytes == 4096 && row.sha256 == Self.saved.sha256)
        #expect(row.attemptedAt == Timestamp.milliseconds(Poll.t0) && row.finishedAt == row.attemptedAt + 250)
        #expect(row.error == nil && row.body == nil)
        let job = try #require(try db.job(Poll.id("video_done")))
        #expect(job.downloadedAt == row.finishedAt)
        #expect(try db.job(Poll.id("video_running"))?.downloadedAt == nil)
        var exported: [String: Int64] = [:]
        try db.exportJobs(window: .all) { exported[$0.videoID] = $0.downloadedAt ?? -1 }
        #expect(exported == ["video_done": try #require(row.finishedAt), "video_running": -1])
    }

    @Test("a failed attempt keeps its error and its body, stored once however many attempts sent the same bytes")
    func failedRowsShareTheirBody() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        let before = try db.counts().bodies
        let body = #"{"error":{"message":"Video is not ready yet","type":"invalid_request_error","param":null,"code":null}}"#
        let error = "the server sent application/json instead of video/mp4: Video is not ready yet"
        try db.recordDownload(Self.attempt("video_done", at: 0, body: body, error: error))
        try db.recordDownload(Self.attempt("video_done", at: 1, body: body, error: error))
        try db.recordDownload(Self.attempt("video_done", at: 2, status: nil, error: "transport: connection refused by 127.0.0.1:1"))
        let rows = try db.downloads(of: Poll.id("video_done"))
        #expect(rows.map(\.ok) == [false, false, false])
        #expect(rows.map(\.httpStatus) == [200, 200, nil])
        #expect(rows[0].error == error && rows[0].body == Data(body.utf8) && rows[1].body == Data(body.utf8))
        #expect(rows[2].body == nil && rows[2].requestID == nil)
        #expect(rows.allSatisfy { $0.path == nil && $0.sha256 == nil })
        #expect(try db.counts().bodies == before + 1)
        #expect(try db.job(Poll.id("video_done"))?.downloadedAt == nil)
    }

    @Test("download targets name the newest ok file per variant and the status of a failed last attempt")
    func targets() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        var older = Self.saved
        older.path = "/old/video_done.mp4"
        try db.recordDownload(Self.attempt("video_done", at: 0, file: older))
        try db.recordDownload(Self.attempt("video_done", at: 5, file: Self.saved))
        try db.recordDownload(Self.attempt("video_done", variant: .thumbnail, at: 6, status: 410, body: "{}", error: "HTTP 410"))
        let video = try db.downloadTargets([Poll.id("video_done"), Poll.id("video_running")], variant: .video)
        #expect(video.map(\.videoID.rawValue) == ["video_done", "video_running"])
        #expect(video[0].phase == .completed && video[0].expiresAt == Int64(Self.completed + 3600))
        #expect(video[0].lastSuccess?.path == Self.saved.path && video[0].lastFailedStatus == nil)
        #expect(video[1].phase == .running && video[1].lastSuccess == nil)
        let thumbnail = try db.downloadTargets([Poll.id("video_done")], variant: .thumbnail)
        #expect(thumbnail[0].lastSuccess == nil && thumbnail[0].lastFailedStatus == 410)
        #expect(throws: StoreError.unknownJob("video_nope")) {
            _ = try db.downloadTargets([Poll.id("video_done"), Poll.id("video_nope")], variant: .video)
        }
    }

    @Test("candidates for sync are the completed jobs whose content has not expired")
    func candidates() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        let expires = Int64(Self.completed + 3600)
        #expect(try db.downloadCandidates(variant: .video, now: expires - 1).map(\.videoID.rawValue) == ["video_done"])
        #expect(try db.downloadCandidates(variant: .video, now: expires).isEmpty, "expires_at ≤ now is expired")
        // A provider that never sends expires_at: offered for a day after completion.
        try db.record(Poll.ok("video_undated", Poll.video("video_undated", status: "completed", progress: 100, completed: Self.completed).replacingOccurrences(of: "\"expires_at\":\(expires)", with: "\"expires_at\":null")), runID: nil)
        let day = JobDatabase.undatedContentLifetime
        #expect(try db.downloadCandidates(variant: .video, now: Int64(Self.completed) + day - 1).map(\.videoID.rawValue) == ["video_undated"])
        #expect(try db.downloadCandidates(variant: .video, now: Int64(Self.completed) + day).isEmpty)
    }

    @Test("expired and undownloaded: completed, expires_at ≤ now, no ok video row (a thumbnail does not count)")
    func expiredUndownloaded() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        let expires = Double(Self.completed + 3600)
        #expect(try db.expiredUndownloadedCount(now: Date(timeIntervalSince1970: expires - 1)) == 0)
        #expect(try db.expiredUndownloadedCount(now: Date(timeIntervalSince1970: expires)) == 1)
        try db.recordDownload(Self.attempt("video_done", variant: .thumbnail, file: Self.saved))
        try db.recordDownload(Self.attempt("video_done", at: 1, body: "{}", error: "HTTP 200 json"))
        #expect(try db.expiredUndownloadedCount(now: Date(timeIntervalSince1970: expires)) == 1)
        try db.recordDownload(Self.attempt("video_done", at: 2, file: Self.saved))
        #expect(try db.expiredUndownloadedCount(now: Date(timeIntervalSince1970: expires)) == 0)
        let counts = try db.lossCounts(by: .none, window: .all, now: Int64(expires))
        #expect(counts == [LossCounts(group: "all", completed: 1, downloaded: 1, expiredUndownloaded: 0)])
    }

    @Test("an attempt for a job that is not in the database is refused")
    func unknownJob() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let db = try database(folder)
        #expect(throws: StoreError.unknownJob("video_ghost")) { try db.recordDownload(Self.attempt("video_ghost", file: Self.saved)) }
    }
}

@Suite("Migrating to the download schema", .enabled(if: TestBackend.isSQLite, "SQLite's own behaviour"))
struct DownloadMigrationTests {
    @Test("a database made by schema 1 gets the download table and keeps every job, snapshot and body")
    func upgradesSchema1() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("old.sqlite")
        let first = try #require(Migrations.all.first)
        #expect(first.name == "0001_initial")
        do {
            // What a soratrack that only knew migration 0001 left behind.
            var migrator = DatabaseMigrator()
            migrator.registerMigration(first.name) { db in try db.execute(sql: first.sql) }
            let queue = try DatabaseQueue(path: path)
            try migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO job (video_id, status, phase, terminal, completed_at, expires_at, first_seen_at, tracked_at, polls) VALUES ('video_old', 'completed', 'completed', 1, 100, 3700, 5, 5, 1)")
                try db.execute(sql: "INSERT INTO body (hash, content) VALUES (1, '{\"id\":\"video_old\"}')")
                try db.execute(sql: "INSERT INTO snapshot (job_id, polled_at, http_status, status, body_id) VALUES (1, 5, 200, 'completed', 1)")
            }
            #expect(try queue.read { try $0.tableExists("download") } == false)
            try queue.close()
        }
        let db = try JobDatabase(path: path)
        #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
        #expect(try db.appliedMigrations().contains("0002_downloads"))
        #expect(try db.counts() == HistoryCounts(jobs: 1, snapshots: 1, bodies: 1, runs: 0))
        let job = try #require(try db.job(Poll.id("video_old")))
        #expect(job.phase == .completed && job.downloadedAt == nil)
        #expect(try db.snapshots(of: Poll.id("video_old")).map(\.body) == [Data(#"{"id":"video_old"}"#.utf8)])
        #expect(try db.downloads(of: Poll.id("video_old")).isEmpty)
        #expect(try db.expiredUndownloadedCount(now: Date(timeIntervalSince1970: 3700)) == 1)
        #expect(JobDatabase.knownSchemaVersion >= 2)
    }
}
