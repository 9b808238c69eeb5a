import Foundation
import JobStore
import Reports
import Testing

/// The page over the fixture of `PhaseReportTests` plus `ReportFixture`: its charts, their bars, and tables whose
/// numbers are the CSV of the reports they name.
@Suite("report html")
struct HTMLReportTests {
    static func page() throws -> (html: String, csv: [String: [String]]) {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            try PhaseReportTests.build(database)
            let now = PhaseReportTests.now
            let html = try HTMLReport(database: database, window: .all, now: now).html
            let csv: [String: [String]] = [
                "report durations --by model": try DurationReport(database: database, by: .model, status: .completed, window: .all).csvLines,
                "report phases --by model": try PhaseReport(database: database, by: .model, window: .all, now: now).csvLines,
                "report failures --by day": try FailureReport(database: database, by: .day, window: .all).csvLines,
                "report losses --by day": try LossReport(database: database, by: .day, window: .all, now: now).csvLines,
            ]
            return (html, csv)
        }
    }

    /// The text between `start` and the next `end` after it, for each occurrence.
    static func pieces(_ text: String, from start: String, to end: String) -> [String] {
        text.components(separatedBy: start).dropFirst().compactMap { $0.components(separatedBy: end).first }
    }

    /// Each table of the page: its `data-command` and its rows as CSV-like lines (cells joined by commas).
    static func tables(_ html: String) -> [(command: String, rows: [String])] {
        pieces(html, from: "<table data-command=\"", to: "</table>").map { table in
            let command = String(table.prefix { $0 != "\"" })
            let body = pieces(table, from: "<tbody>", to: "</tbody>").first ?? ""
            let rows = pieces(body, from: "<tr>", to: "</tr>").map { row in
                row.components(separatedBy: "<td").dropFirst().map { cell in
                    String(cell.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
                        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                        .replacingOccurrences(of: "&amp;", with: "&")
                }.joined(separator: ",")
            }
            return (command, rows)
        }
    }

    @Test("six charts, each with a title, both axis labels, and as many bars as the numbers behind it")
    func charts() throws {
        let (html, csv) = try Self.page()
        let svgs = Self.pieces(html, from: "<svg class=\"chart\"", to: "</svg>")
        #expect(svgs.count == 6)
        #expect(Self.pieces(html, from: "<h2>", to: "</h2>").count == 6)
        for svg in svgs {
            let declared = Int(Self.pieces(svg, from: "data-bars=\"", to: "\"").first ?? "") ?? -1
            #expect(declared == svg.components(separatedBy: "<rect class=\"bar\"").count - 1)
            #expect(declared > 0, "every chart of this history draws bars")
            #expect(svg.components(separatedBy: "<text class=\"label\"").count - 1 == 2, "an x and a y axis label")
        }
        // Durations: p50, p90 and p99 of each model that has completed jobs, from report durations --by model.
        let durations = try #require(csv["report durations --by model"])
        #expect(Self.pieces(svgs[0], from: "data-bars=\"", to: "\"").first == String(durations.count * 3))
        // The failure chart: one bar per day with a rate.
        let failures = try #require(csv["report failures --by day"])
        let rated = failures.filter { !$0.hasSuffix(",") }.count
        #expect(Self.pieces(svgs[2], from: "data-bars=\"", to: "\"").first == String(rated))
    }

    @Test("each table's numbers are the CSV of the report it names")
    func tablesMatchTheReports() throws {
        let (html, csv) = try Self.page()
        let tables = Self.tables(html)
        #expect(tables.map(\.command) == [
            "report durations --by model", "report phases --by model", "report failures --by day",
            "report failures --by day", "report phases --by model", "report losses --by day",
        ])
        for table in tables {
            let lines = try #require(csv[table.command])
            for row in table.rows {
                // The failure table adds the error codes of the day after the report's own columns.
                let own = table.command == "report failures --by day" && row.split(separator: ",", omittingEmptySubsequences: false).count > 6
                    ? row.split(separator: ",", omittingEmptySubsequences: false).prefix(6).joined(separator: ",") : row
                #expect(lines.contains(own), "\(table.command): \(row)")
            }
        }
        #expect(tables[0].rows == csv["report durations --by model"])
        #expect(tables[5].rows == csv["report losses --by day"])
        #expect(html.contains("moderation_blocked: 1"), "the failure table names the day's error codes")
    }

    @Test("self-contained: no script, no stylesheet or image from anywhere, nothing but the SVG namespace as a URL")
    func selfContained() throws {
        let (html, _) = try Self.page()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link") && !html.contains("<img") && !html.contains("@import"))
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") }, "\(urls)")
    }

    @Test("an empty history still gives six charts, each saying there is no data")
    func empty() throws {
        let html = try withDatabase { database, _ in try HTMLReport(database: database, window: .all, now: 0).html }
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 6)
        #expect(html.components(separatedBy: "no data in this window").count - 1 >= 4)
    }
}
