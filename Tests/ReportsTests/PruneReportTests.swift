import Foundation
import JobStore
import Reports
import Testing

/// Reports read job rows (durations are `completed_at − created_at` of the job), which a prune never touches.
@Suite("reports after a prune")
struct PruneReportTests {
    @Test("durations, failures and expiring give the same rows before and after a prune that removed snapshots")
    func reportsUnchanged() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            // Poll the jobs that still answer three more times with the same answer: redundant snapshots to prune.
            let polled = ReportFixture.dayB + 86400
            for id in ["c1", "c2", "c3", "c4", "c5", "f1", "f2", "f3", "r1", "q1"] {
                let body = try #require(try database.snapshots(of: Poll.id(id)).last?.body)
                for minute in 1...3 { try database.record(Poll.ok(body, at: polled + Int64(minute) * 60), runID: nil) }
            }
            func reports() throws -> [[String]] {
                var all: [[String]] = []
                for grouping in [JobGrouping.none, .model, .day] {
                    all.append(try DurationReport(database: database, by: grouping, status: .all, window: .all).csvLines)
                    all.append(try FailureReport(database: database, by: grouping, window: .all).csvLines)
                }
                all.append(try ErrorCodeReport(database: database, window: .all).csvLines)
                all.append(try ExpiringReport(
                    database: database, now: ReportFixture.now, within: 3600, includeExpired: true, window: .all, baseURL: "http://x").csvLines)
                return all
            }
            let before = try reports()
            let jobs = try database.jobs()
            let result = try database.prune(before: Date(timeIntervalSince1970: Double(polled + 3600)), dryRun: false)
            // The two middle polls of each of the ten jobs, and n1's second 404 (between two identical ones).
            #expect(result.snapshotsRemoved == 21)
            #expect(try reports() == before)
            #expect(try database.jobs() == jobs)
            #expect(before[0] == ["all,6,157.5,75,360,480,576,600"])  // the fixture's six timed durations
        }
    }
}
