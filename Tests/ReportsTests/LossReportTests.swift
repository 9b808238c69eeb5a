import Foundation
import JobStore
import Reports
import Testing

/// Downloads on top of the fixture, judged at `ReportFixture.now`: c1 (expired) and c3 downloaded, c2 (expires exactly
/// now) only a failed attempt; c4 and c5 not expired yet, not downloaded.
@Suite("report losses")
struct LossReportTests {
    func report(by grouping: JobGrouping = .none, window: CreatedWindow = .all, now: Int64 = ReportFixture.now) throws -> LossReport {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            try ReportFixture.download("c1", database)
            try ReportFixture.download("c3", database)
            try ReportFixture.failedDownload("c2", database)
            try ReportFixture.download("f1", database)  // a failed job with a file is not a completed job
            return try LossReport(database: database, by: grouping, window: window, now: now)
        }
    }

    @Test("completed, downloaded, expired before any successful download, and the rate among the settled ones")
    func all() throws {
        let report = try report()
        #expect(report.columns == ["group", "completed", "downloaded", "expired_undownloaded", "loss_rate"])
        #expect(report.csvLines == ["all,5,2,1,0.3333"])
        #expect(report.text(format: .json) == "[\n{\"group\":\"all\",\"completed\":5,\"downloaded\":2,\"expired_undownloaded\":1,\"loss_rate\":0.3333}\n]\n")
        let table = report.text(format: .table)
        #expect(table.contains("33.3%"))
        #expect(table.contains("2 completed jobs are neither downloaded nor expired yet"))
    }

    @Test("grouped by model and by day; a group with nothing settled has no rate")
    func grouped() throws {
        #expect(try report(by: .model).csvLines == ["sora-2,4,2,1,0.3333", "sora-2-pro,1,0,0,"])
        #expect(try report(by: .day).csvLines == ["2026-11-19,4,2,1,0.3333", "2026-11-20,1,0,0,"])
        #expect(try report(by: .size).csvLines == ["1280x720,2,1,1,0.5", "1792x1024,1,0,0,", "720x1280,1,1,0,0", "unknown,1,0,0,"])
    }

    @Test("the window filters on created_at; --now decides what has expired")
    func windowAndNow() throws {
        #expect(try report(window: CreatedWindow(since: ReportFixture.dayB)).csvLines == ["all,1,0,0,"])
        // An hour later c4 (expires at now + 3600) is lost too; c5 (now + 3601) not yet.
        #expect(try report(now: ReportFixture.now + 3600).csvLines == ["all,5,2,2,0.5"])
        #expect(try report(now: ReportFixture.now - 101).csvLines == ["all,5,2,0,0"])
    }

    @Test("an empty window is one row of zeros with --by none, nothing otherwise")
    func empty() throws {
        let none = try report(window: CreatedWindow(since: ReportFixture.dayB + 86400 * 10))
        #expect(none.csvLines == ["all,0,0,0,"])
        #expect(none.text(format: .table).contains("no completed jobs in this window"))
        #expect(try report(by: .model, window: CreatedWindow(since: ReportFixture.dayB + 86400 * 10)).csvLines.isEmpty)
    }
}
