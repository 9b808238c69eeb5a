import Foundation
import GRDB
import TestSupport
import Testing

@testable import JobStore

/// The queries that run on every sync, poll or report must find their rows through an index, never a
/// table scan, whatever later migrations do to the schema (the plans are in docs/schema.md, Indexes and query plans).
@Suite("Query plans", .enabled(if: TestBackend.isSQLite, "SQLite's own behaviour"))
struct QueryPlanTests {
    static let plans: [(query: String, sql: String, index: String)] = [
        ("sync: the open jobs", "SELECT video_id, next_poll_at FROM job WHERE tracking = 1 AND terminal = 0 ORDER BY id", "job_open"),
        ("poll: the job of an answer", "SELECT id, phase, consecutive_404s FROM job WHERE video_id = ?", "sqlite_autoindex_job_1"),
        ("poll: an identical stored body", "SELECT id FROM body WHERE hash = ? AND content = ? LIMIT 1", "body_hash"),
        (
            "report expiring",
            "SELECT job.video_id, \(JobDatabase.videoDownloaded) FROM job WHERE job.phase = 'completed' AND job.expires_at IS NOT NULL AND job.expires_at > ? AND job.expires_at <= ?",
            "job_expires_at"
        ),
        ("is the video downloaded", "SELECT 1 FROM download WHERE download.job_id = ? AND download.variant = 'video' AND download.ok = 1", "download_job"),
        ("report windows", "SELECT count(*) FROM job WHERE job.created_at >= ? AND job.created_at < ?", "job_created_at"),
        ("show: a job's timeline", "SELECT * FROM snapshot WHERE job_id = ? ORDER BY polled_at", "snapshot_job"),
    ]

    @Test("every hot query searches an index and scans no table", arguments: plans.indices)
    func usesIndex(_ index: Int) throws {
        let (query, sql, expected) = Self.plans[index]
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let database = try JobDatabase(path: folder.file("plans.sqlite"))
        let plan = try database.read { db in
            let placeholders = sql.filter { $0 == "?" }.count
            let arguments = StatementArguments(Array(repeating: DatabaseValue.null, count: placeholders))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("INDEX \(expected)") }, "\(query): \(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("USING") }, "\(query) scans a table: \(plan)")
    }
}
