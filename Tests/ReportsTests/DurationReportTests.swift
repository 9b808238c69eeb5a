import Foundation
import JobStore
import Reports
import Testing

/// Expected numbers are worked out by hand from the table in `ReportFixture`.
@Suite("report durations")
struct DurationReportTests {
    func report(by grouping: JobGrouping = .none, status: DurationStatus = .completed, window: CreatedWindow = .all) throws -> DurationReport {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            return try DurationReport(database: database, by: grouping, status: status, window: window)
        }
    }

    @Test("completed jobs overall: [45, 60, 90, 120, 600] s")
    func overall() throws {
        let report = try report()
        #expect(report.columns == ["group", "count", "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s"])
        // mean 915/5; p90 at rank 3.6 = 120 + 0.6·480; p95 at 3.8 = 120 + 0.8·480; p99 at 3.96 = 120 + 0.96·480.
        #expect(report.csvLines == ["all,5,183,90,408,504,580.8,600"])
    }

    @Test("by model: a group of four and a group of one")
    func byModel() throws {
        // sora-2 [45,60,90,120]: p50 at rank 1.5 = 75; p90 at 2.7 = 90 + 0.7·30; p95 at 2.85; p99 at 2.97.
        #expect(try report(by: .model).csvLines == ["sora-2,4,78.75,75,111,115.5,119.1,120", "sora-2-pro,1,600,600,600,600,600,600"])
    }

    @Test("by size and seconds: groups sorted by name, nulls as unknown")
    func bySizeAndSeconds() throws {
        #expect(try report(by: .size).csvLines == [
            "1280x720,2,75,75,87,88.5,89.7,90", "1792x1024,1,600,600,600,600,600,600", "720x1280,1,120,120,120,120,120,120",
            "unknown,1,45,45,45,45,45,45",
        ])
        #expect(try report(by: .seconds).csvLines == [
            "12,1,600,600,600,600,600,600", "4,2,90,90,114,117,119.4,120", "8,1,90,90,90,90,90,90", "unknown,1,45,45,45,45,45,45",
        ])
    }

    @Test("by day: the UTC date of created_at, ascending")
    func byDay() throws {
        #expect(try report(by: .day).csvLines == ["2026-11-19,4,78.75,75,111,115.5,119.1,120", "2026-11-20,1,600,600,600,600,600,600"])
    }

    @Test("failed jobs without completed_at have no duration")
    func failed() throws {
        #expect(try report(status: .failed).csvLines == ["all,1,30,30,30,30,30,30"])
        // all = completed and failed: [30,45,60,90,120,600].
        #expect(try report(status: .all).csvLines == ["all,6,157.5,75,360,480,576,600"])
    }

    @Test("windows: since is inclusive, until exclusive (c4 is created exactly at day B)")
    func windowBoundaries() throws {
        let b = ReportFixture.dayB, a = ReportFixture.dayA
        #expect(try report(window: CreatedWindow(since: b)).csvLines == ["all,1,600,600,600,600,600,600"])
        #expect(try report(window: CreatedWindow(until: b)).csvLines == ["all,4,78.75,75,111,115.5,119.1,120"])
        // c3 created at A+300 is in; c5 created at A+800 is out.
        #expect(try report(window: CreatedWindow(since: a + 300, until: a + 800)).csvLines == ["all,1,120,120,120,120,120,120"])
    }

    @Test("no jobs at all: one empty `all` row with --by none, no rows otherwise")
    func empty() throws {
        try withDatabase { database, _ in
            let none = try DurationReport(database: database, by: .none, status: .completed, window: .all)
            #expect(none.csvLines == ["all,0,,,,,,"])
            #expect(none.text(format: .json) == "[\n{\"group\":\"all\",\"count\":0,\"mean_s\":null,\"p50_s\":null,\"p90_s\":null,\"p95_s\":null,\"p99_s\":null,\"max_s\":null}\n]\n")
            #expect(none.text(format: .table).contains("no completed jobs with both created_at and completed_at in this window"))
            #expect(try DurationReport(database: database, by: .model, status: .completed, window: .all).csvLines.isEmpty)
        }
    }

    @Test("tables show human durations and a histogram of one bar per bucket")
    func table() throws {
        let text = try report().text(format: .table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "group  count  mean_s  p50_s  p90_s  p95_s  p99_s   max_s")
        #expect(lines[1] == "all        5   3m03s  1m30s  6m48s  8m24s  9m41s  10m00s")
        #expect(lines.contains("durations of 5 completed jobs:"))
        // 45..600 s in 1-minute buckets: 11 bars, the 1m00s–2m00s one (60, 90) the longest.
        let bars = lines.filter { $0.contains("█") || $0.contains("–") }
        #expect(bars.count == 11)
        #expect(bars[0] == "       0s–1m00s  " + String(repeating: "█", count: 20) + String(repeating: " ", count: 20) + "  1")
        #expect(bars[1].contains(String(repeating: "█", count: 40) + "  2"))
        #expect(bars[10].hasSuffix("1"))
    }

    @Test("histogram buckets have a round width and cover every duration")
    func histogram() {
        let histogram = DurationHistogram(durations: [45, 60, 90, 120, 600])
        #expect(histogram.buckets.count == 11)
        #expect(histogram.buckets.first == DurationHistogram.Bucket(lower: 0, upper: 60, count: 1))
        #expect(histogram.buckets.last == DurationHistogram.Bucket(lower: 600, upper: 660, count: 1))
        #expect(histogram.total == 5)
        #expect(DurationHistogram(durations: [7]).buckets == [DurationHistogram.Bucket(lower: 7, upper: 8, count: 1)])
        #expect(DurationHistogram(durations: []).buckets.isEmpty)
        let wide = DurationHistogram(durations: [1, 30 * 86400])
        #expect(wide.buckets.count <= DurationHistogram.maxBuckets)
        #expect(wide.total == 2)
    }
}
