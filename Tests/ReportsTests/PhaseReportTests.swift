import Foundation
import JobStore
import VideoAPI
import Reports
import TestSupport
import Testing

/// A history whose phase figures are worked out by hand. T = `ReportFixture.dayA`; polls at T+s; now = T+4000.
///
/// | job | model | created | polls (status at T+s) | completed_at | expires | download |
/// | --- | --- | --- | --- | --- | --- | --- |
/// | j1 | sora-2 | T | 10 queued, 30 queued, 50 in_progress, 70 in_progress, 100 completed | T+90 | T+3690 | T+200 |
/// | j2 | sora-2 | T+100 | 160 in_progress, 280 completed | T+250 | T+3850 (expired) | none (lost) |
/// | j3 | sora-2 | T+200 | 210 queued, 400 completed (never seen running) | T+380 | T+4500 | none |
/// | j4 | sora-2-pro | T+300 | 310 queued, 320 in_progress, 330 no answer, 500 failed | | | |
/// | j5 | sora-2-pro | T+400 | 410 queued | | | |
///
/// By hand: j1 starts in [30, 50]: queue 40 ± 10, render 90 − [30, 50] = 50 ± 10, notice 10, margin 3490.
/// j2 starts in [100, 160] (created, first seen running): queue 30 ± 30, render 120 ± 30, notice 30, lost.
/// j3 starts in [210, 380] (last seen queued, completed_at): queue 95 ± 85, render 85 ± 85, notice 20.
/// j4 starts in [310, 320]: queue 15 ± 5; failed, so no render. j5 is still queued: nothing yet.
@Suite("report phases")
struct PhaseReportTests {
    static let t = ReportFixture.dayA
    static let now = t + 4000

    static func build(_ database: any HistoryStore) throws {
        let t = Self.t
        func poll(_ id: String, _ status: String, at: Int64, created: Int64, model: String = "sora-2", completed: Int64? = nil,
                  expires: Int64? = nil, progress: Int = 0) throws {
            try database.record(
                Poll.ok(Poll.body(id, status: status, model: model, created: created, completed: completed, expires: expires, progress: progress), at: t + at),
                runID: nil)
        }
        try poll("j1", "queued", at: 10, created: t)
        try poll("j1", "queued", at: 30, created: t)
        try poll("j1", "in_progress", at: 50, created: t, progress: 20)
        try poll("j1", "in_progress", at: 70, created: t, progress: 60)
        try poll("j1", "completed", at: 100, created: t, completed: t + 90, expires: t + 3690, progress: 100)
        try ReportFixture.download("j1", database, at: t + 200)
        try poll("j2", "in_progress", at: 160, created: t + 100, progress: 50)
        try poll("j2", "completed", at: 280, created: t + 100, completed: t + 250, expires: t + 3850, progress: 100)
        try poll("j3", "queued", at: 210, created: t + 200)
        try poll("j3", "completed", at: 400, created: t + 200, completed: t + 380, expires: t + 4500, progress: 100)
        try poll("j4", "queued", at: 310, created: t + 300, model: "sora-2-pro")
        try poll("j4", "in_progress", at: 320, created: t + 300, model: "sora-2-pro")
        let gap = Date(timeIntervalSince1970: Double(t + 330))
        try database.record(
            PollAttempt(videoID: Poll.id("j4"), attempt: 0, startedAt: gap, finishedAt: gap, pollError: "connection refused"),
            runID: nil)
        try poll("j4", "failed", at: 500, created: t + 300, model: "sora-2-pro")
        try poll("j5", "queued", at: 410, created: t + 400, model: "sora-2-pro")
    }

    func report(by grouping: JobGrouping = .model, prune: Bool = false) throws -> PhaseReport {
        try withDatabase { database, _ in
            try Self.build(database)
            if prune { _ = try database.prune(before: Date(timeIntervalSince1970: Double(Self.now)), dryRun: false) }
            return try PhaseReport(database: database, by: grouping, window: .all, now: Self.now)
        }
    }

    @Test("queue and render as interval midpoints with their half-widths, notice and margin exact, by model")
    func byModel() throws {
        let report = try report()
        #expect(report.columns == [
            "group", "measure", "count", "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s", "err_mean_s",
            "never_seen_running", "lost",
        ])
        #expect(report.csvLines == [
            "sora-2,queue,3,55,40,84,89.5,93.9,95,41.667,1,",
            "sora-2,render,3,85,85,113,116.5,119.3,120,41.667,1,",
            "sora-2,notice,3,20,20,28,29,29.8,30,,,",
            "sora-2,margin,1,3490,3490,3490,3490,3490,3490,,,1",
            "sora-2-pro,queue,1,15,15,15,15,15,15,5,0,",
            "sora-2-pro,render,0,,,,,,,,0,",
            "sora-2-pro,notice,0,,,,,,,,,",
            "sora-2-pro,margin,0,,,,,,,,,0",
        ])
    }

    @Test("--jobs: each job's own figures; a job never seen running, a failed one, one still queued")
    func perJob() throws {
        let lines = try report().perJob.csvLines
        let created = { (s: Int64) in TimeFormatProbe.iso(Self.t + s) }
        #expect(lines == [
            "j1,sora-2,\(created(0)),40,10,50,10,10,3490,true,false",
            "j2,sora-2,\(created(100)),30,30,120,30,30,,true,true",
            "j3,sora-2,\(created(200)),95,85,85,85,20,,false,false",
            "j4,sora-2-pro,\(created(300)),15,5,,,,,true,false",
            "j5,sora-2-pro,\(created(400)),,,,,,,false,false",
        ])
    }

    @Test("a pruned history widens the intervals, and each still holds the job's true start")
    func pruned() throws {
        let whole = try report(by: .none)
        let pruned = try report(by: .none, prune: true)
        let j1 = try #require(pruned.jobs.first { $0.videoID == "j1" })
        // The second queued poll (T+30) is not a change: pruned, so the start is only known to lie in [10, 50].
        #expect(j1.queue == PhaseReport.Estimate(low: 10, high: 50))
        #expect(j1.render == PhaseReport.Estimate(low: 40, high: 80))
        for job in whole.jobs {
            let after = try #require(pruned.jobs.first { $0.videoID == job.videoID })
            if let before = job.queue {
                let wider = try #require(after.queue)
                #expect(wider.low <= before.low && wider.high >= before.high, "\(job.videoID)")
            }
            #expect(after.notice == job.notice && after.margin == job.margin && after.lost == job.lost)
        }
    }

    @Test("an empty history: one group, every measure counted 0")
    func empty() throws {
        let report = try withDatabase { database, _ in try PhaseReport(database: database, by: .none, window: .all, now: Self.now) }
        #expect(report.csvLines == [
            "all,queue,0,,,,,,,,0,", "all,render,0,,,,,,,,0,", "all,notice,0,,,,,,,,,", "all,margin,0,,,,,,,,,0",
        ])
    }
}

@Suite("report progress")
struct ProgressReportTests {
    @Test("one row per poll with a status, elapsed from created_at; a poll without an answer is left out")
    func rows() throws {
        let report = try withDatabase { database, _ in
            try PhaseReportTests.build(database)
            return try ProgressReport(database: database, ids: [Poll.id("j1"), Poll.id("j4")])
        }
        let t = PhaseReportTests.t
        let at = { (s: Int64) in TimeFormatProbe.isoMilliseconds((t + s) * 1000) }
        #expect(report.csvLines == [
            "j1,\(at(10)),10,queued,0", "j1,\(at(30)),30,queued,0", "j1,\(at(50)),50,in_progress,20",
            "j1,\(at(70)),70,in_progress,60", "j1,\(at(100)),100,completed,100",
            "j4,\(at(310)),10,queued,0", "j4,\(at(320)),20,in_progress,0", "j4,\(at(500)),200,failed,0",
        ])
    }

    @Test("the chart: one line per job, from ▁ at 0 % to █ at 100 %, with the range and span")
    func chart() throws {
        let report = try withDatabase { database, _ in
            try PhaseReportTests.build(database)
            return try ProgressReport(database: database, ids: [Poll.id("j1")])
        }
        let line = try #require(report.chart(width: 10).first)
        #expect(line.hasPrefix("j1  ▁"))
        #expect(line.contains("█  0% → 100% over 1m30s (5 polls)"), "\(line)")
        // 0 % until T+50 (a third of the span), then 20 %, 60 %, 100 %: never falling.
        let bars = Array(line.split(separator: " ")[1])
        #expect(bars.count == 10 && zip(bars, bars.dropFirst()).allSatisfy { a, b in "▁▂▃▄▅▆▇█".firstIndex(of: a)! <= "▁▂▃▄▅▆▇█".firstIndex(of: b)! })
    }

    @Test("an unknown id is an unknownJob error")
    func unknown() throws {
        #expect(throws: StoreError.unknownJob("nope")) {
            try withDatabase { database, _ in try ProgressReport(database: database, ids: [Poll.id("nope")]) }
        }
    }
}

/// The report's time formats, reached through a one-cell report (the formatter itself is internal).
enum TimeFormatProbe {
    static func iso(_ seconds: Int64) -> String { Cell.timestamp(seconds).plainText! }
    static func isoMilliseconds(_ milliseconds: Int64) -> String { Cell.timestampMilliseconds(milliseconds).plainText! }
}
