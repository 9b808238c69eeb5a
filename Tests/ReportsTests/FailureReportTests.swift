import Foundation
import JobStore
import Reports
import Testing

/// Expected numbers are worked out by hand from the table in `ReportFixture`.
@Suite("report failures")
struct FailureReportTests {
    func report(by grouping: JobGrouping = .none, window: CreatedWindow = .all) throws -> FailureReport {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            return try FailureReport(database: database, by: grouping, window: window)
        }
    }

    @Test("overall: 13 jobs, 5 completed, 3 failed, 3 pending (abandoned and not found only in total); rate 3/8")
    func overall() throws {
        let report = try report()
        #expect(report.columns == ["group", "total", "completed", "failed", "pending", "failure_rate"])
        #expect(report.csvLines == ["all,13,5,3,3,0.375"])
    }

    @Test("by model: a null model groups as unknown; a group with no finished job has no rate")
    func byModel() throws {
        #expect(try report(by: .model).csvLines == ["sora-2,9,4,2,1,0.3333", "sora-2-pro,2,1,1,0,0.5", "unknown,2,0,0,2,"])
    }

    @Test("by day: jobs without created_at group as unknown")
    func byDay() throws {
        #expect(try report(by: .day).csvLines == ["2026-11-14,1,0,0,0,", "2026-11-19,8,4,3,0,0.4286", "2026-11-20,3,1,0,2,0", "unknown,1,0,0,1,"])
    }

    @Test("a window leaves out jobs with unknown created_at and those outside it")
    func window() throws {
        let window = CreatedWindow(since: ReportFixture.dayA, until: ReportFixture.dayB + 86400)
        #expect(try report(window: window).csvLines == ["all,11,5,3,2,0.375"])
        #expect(try report(window: CreatedWindow(since: ReportFixture.dayB)).csvLines == ["all,3,1,0,2,0"])
    }

    @Test("by error code: null and empty codes are unknown; shares of all failures")
    func byErrorCode() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            let report = try ErrorCodeReport(database: database, window: .all)
            #expect(report.columns == ["error_code", "count", "share"])
            #expect(report.csvLines == ["moderation_blocked,1,0.3333", "unknown,2,0.6667"])
            #expect(report.text(format: .table).contains("33.3%"))
            let dayB = try ErrorCodeReport(database: database, window: CreatedWindow(since: ReportFixture.dayB))
            #expect(dayB.csvLines.isEmpty)
            #expect(dayB.text(format: .table).contains("no failed jobs in this window"))
        }
    }

    @Test("no jobs at all: one `all` row of zeros without a rate")
    func empty() throws {
        try withDatabase { database, _ in
            let report = try FailureReport(database: database, by: .none, window: .all)
            #expect(report.csvLines == ["all,0,0,0,0,"])
            #expect(report.text(format: .json) == "[\n{\"group\":\"all\",\"total\":0,\"completed\":0,\"failed\":0,\"pending\":0,\"failure_rate\":null}\n]\n")
            #expect(try FailureReport(database: database, by: .size, window: .all).csvLines.isEmpty)
        }
    }

    @Test("tables show the rate as a percentage and say what total also counts")
    func table() throws {
        let text = try report().text(format: .table)
        #expect(text.contains("37.5%"))
        #expect(text.contains("2 abandoned or not-found jobs are counted in total only"))
    }
}
