import Foundation
import JobStore
import Reports
import Testing

/// Expiry times are set relative to `ReportFixture.now`: c1 −100 s, c2 0, c3 +1, c4 +3600, c5 +3601 (f1 +10 but failed).
@Suite("report expiring")
struct ExpiringReportTests {
    let now = ReportFixture.now

    func ids(within: Int64 = 3600, includeExpired: Bool = false, window: CreatedWindow = .all) throws -> [String] {
        try report(within: within, includeExpired: includeExpired, window: window).jobs.map(\.videoID)
    }

    func report(within: Int64 = 3600, includeExpired: Bool = false, window: CreatedWindow = .all) throws -> ExpiringReport {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            return try ExpiringReport(
                database: database, now: now, within: within, includeExpired: includeExpired, window: window,
                baseURL: "https://api.example.test/v1")
        }
    }

    @Test("now < expires_at ≤ now + within: expiring exactly now is out, exactly at the end of the window is in")
    func boundaries() throws {
        #expect(try ids() == ["c3", "c4"])
        #expect(try ids(within: 3601) == ["c3", "c4", "c5"])
        #expect(try ids(within: 0).isEmpty)
    }

    @Test("--include-expired adds those at or before now, soonest first, with negative expires_in_s")
    func includeExpired() throws {
        let report = try report(includeExpired: true)
        #expect(report.jobs.map(\.videoID) == ["c1", "c2", "c3", "c4"])
        #expect(report.columns == ["video_id", "model", "completed_at", "expires_at", "expires_in_s", "downloaded"])
        #expect(report.csvLines == [
            "c1,sora-2,2026-11-19T00:02:40Z,2026-11-20T01:21:40Z,-100,false",
            "c2,sora-2,2026-11-19T00:04:50Z,2026-11-20T01:23:20Z,0,false",
            "c3,sora-2,2026-11-19T00:07:00Z,2026-11-20T01:23:21Z,1,false",
            "c4,sora-2-pro,2026-11-20T00:10:00Z,2026-11-20T02:23:20Z,3600,false",
        ])
    }

    @Test("downloaded is true once the video has a successful download: true/false in CSV and JSON, yes/no in tables")
    func downloaded() throws {
        let report = try withDatabase { database, _ in
            try ReportFixture.build(database)
            try ReportFixture.download("c3", database)
            return try ExpiringReport(
                database: database, now: now, within: 3600, includeExpired: false, window: .all, baseURL: "https://api.example.test/v1")
        }
        #expect(report.jobs.map(\.downloaded) == [true, false])
        #expect(report.csvLines.map { $0.split(separator: ",").last } == ["true", "false"])
        #expect(report.text(format: .json).contains(#""expires_in_s":1,"downloaded":true}"#))
        let table = report.text(format: .table)
        #expect(table.split(separator: "\n").first?.hasSuffix("downloaded") == true)
        #expect(table.contains("yes") && table.contains("no"))
        #expect(table.contains("soratrack download c4") == false && table.contains("soratrack download VIDEO_ID"))
    }

    @Test("when every listed video is downloaded the table says so instead of how to download")
    func allDownloaded() throws {
        let text = try withDatabase { database, _ in
            try ReportFixture.build(database)
            try ReportFixture.download("c3", database)
            return try ExpiringReport(
                database: database, now: now, within: 1, includeExpired: false, window: .all, baseURL: "https://api.example.test/v1"
            ).text(format: .table)
        }
        #expect(text.split(separator: "\n").last == "every listed video that has not expired is downloaded")
    }

    @Test("the created_at window applies too")
    func window() throws {
        #expect(try ids(window: CreatedWindow(since: ReportFixture.dayB)) == ["c4"])
    }

    @Test("tables show the time left and end with a download hint that names the base URL")
    func table() throws {
        let text = try report().text(format: .table)
        #expect(text.contains("1h00m"))
        #expect(text.contains("1s"))
        let last = try #require(text.split(separator: "\n").last)
        #expect(last.contains("https://api.example.test/v1/videos/VIDEO_ID/content"))
        #expect(last.contains("download_content"))
        let empty = try report(within: 0).text(format: .table)
        #expect(empty.contains("no completed job expires within 0s"))
    }
}
