import Foundation
import JobStore
import VideoAPI

/// A fixed history whose report numbers are worked out by hand in the tests.
///
/// Times: day A starts at `dayA` (2026-11-19T00:00:00Z), day B one day later.
///
/// | job | phase | model | size | seconds | created | completed (duration) | expires | error code |
/// | --- | --- | --- | --- | --- | --- | --- | --- | --- |
/// | c1 | completed | sora-2 | 1280x720 | 4 | A+100 | A+160 (60) | now−100 | |
/// | c2 | completed | sora-2 | 1280x720 | 8 | A+200 | A+290 (90) | now | |
/// | c3 | completed | sora-2 | 720x1280 | 4 | A+300 | A+420 (120) | now+1 | |
/// | c4 | completed | sora-2-pro | 1792x1024 | 12 | B+0 exactly | B+600 (600) | now+3600 | |
/// | c5 | completed | sora-2 | null | null | A+800 | A+845 (45) | now+3601 | |
/// | f1 | failed | sora-2 | 1280x720 | 4 | A+500 | A+530 (30) | now+10 | moderation_blocked |
/// | f2 | failed | sora-2 | 1280x720 | 4 | A+600 | null | | null |
/// | f3 | failed | sora-2-pro | 1280x720 | 4 | A+650 | null | | "" |
/// | r1 | running | sora-2 | 1280x720 | 4 | B+100 | | | |
/// | q1 | queued | null | 1280x720 | 4 | B+200 | | | |
/// | u1 | unknown (tracked, never answered) | null | | | null | | | |
/// | a1 | abandoned | sora-2 | 1280x720 | 4 | A−5 days | | | |
/// | n1 | not_found | sora-2 | 1280x720 | 4 | A+700 | | | |
enum ReportFixture {
    static let dayA: Int64 = 1_795_046_400
    static let dayB: Int64 = dayA + 86400
    /// "Now" of the expiring tests.
    static let now: Int64 = dayB + 5000

    /// Builds the history in `database`.
    static func build(_ database: any HistoryStore) throws {
        let a = dayA, b = dayB, polled = dayB + 86400
        // The abandoned job is polled long before the others, so only it is old enough to be given up.
        try database.record(Poll.ok(Poll.body("a1", status: "in_progress", created: a - 5 * 86400), at: a - 5 * 86400 + 10), runID: nil)
        _ = try database.abandonStale(now: Date(timeIntervalSince1970: Double(a - 86400)), giveUpAfter: .seconds(86400))

        let bodies: [Data] = [
            Poll.body("c1", status: "completed", created: a + 100, completed: a + 160, expires: now - 100, progress: 100),
            Poll.body("c2", status: "completed", seconds: "8", created: a + 200, completed: a + 290, expires: now, progress: 100),
            Poll.body("c3", status: "completed", size: "720x1280", created: a + 300, completed: a + 420, expires: now + 1, progress: 100),
            Poll.body(
                "c4", status: "completed", model: "sora-2-pro", size: "1792x1024", seconds: "12", created: b,
                completed: b + 600, expires: now + 3600, progress: 100),
            Poll.body("c5", status: "succeeded", size: nil, seconds: nil, created: a + 800, completed: a + 845, expires: now + 3601),
            Poll.body("f1", status: "failed", created: a + 500, completed: a + 530, expires: now + 10, errorCode: "moderation_blocked"),
            Poll.body("f2", status: "failed", created: a + 600, errorCode: .some(nil)),
            Poll.body("f3", status: "error", model: "sora-2-pro", created: a + 650, errorCode: ""),
            Poll.body("r1", status: "in_progress", created: b + 100, progress: 40),
            Poll.body("q1", status: "queued", model: nil, created: b + 200),
            Poll.body("n1", status: "queued", created: a + 700),
        ]
        _ = try database.record(bodies.map { Poll.ok($0, at: polled) }, runID: nil)
        for offset in 1...3 { try database.record(Poll.notFound("n1", at: polled + Int64(offset) * 60), runID: nil) }
        _ = try database.track([Poll.id("u1")], label: "never-answered", at: Date(timeIntervalSince1970: Double(polled)))
    }

    /// Records a successful video download of `id` (the file itself is not needed by reports).
    static func download(_ id: String, _ database: any HistoryStore, at: Int64 = dayB + 4000) throws {
        let date = Date(timeIntervalSince1970: Double(at))
        try database.recordDownload(DownloadAttempt(
            videoID: Poll.id(id), variant: .video, attempt: 0, startedAt: date, finishedAt: date, httpStatus: 200,
            contentType: "video/mp4", file: SavedFile(path: "/videos/\(id).mp4", bytes: 1000, sha256: String(repeating: "0", count: 64))))
    }

    /// Records a failed video download of `id`: a JSON error body with HTTP 200.
    static func failedDownload(_ id: String, _ database: any HistoryStore, at: Int64 = dayB + 4000) throws {
        let date = Date(timeIntervalSince1970: Double(at))
        try database.recordDownload(DownloadAttempt(
            videoID: Poll.id(id), variant: .video, attempt: 0, startedAt: date, finishedAt: date, httpStatus: 200,
            contentType: "application/json", body: Data(#"{"error":{"message":"not ready"}}"#.utf8), error: "the server sent application/json instead of video/mp4: not ready"))
    }
}
