import Foundation
import JobStore

/// `report html`: one self-contained page (inline SVG and CSS, no script, nothing fetched) with six charts, each
/// with a title, axes with units, and the numbers behind it in a table underneath (docs/reports.md, report html).
///
/// Every table says which report it shows (`data-command`) and writes its numbers exactly as that report's CSV does,
/// so a reader (or a test) can check the page against the command.
public struct HTMLReport: Sendable {
    /// The page.
    public var html: String

    /// The page over the jobs of `window`, expiry judged at `now` (unix seconds); `title` heads it.
    public init(database: any HistoryStore, window: CreatedWindow, now: Int64, title: String = "soratrack report") throws {
        let durations = try DurationReport(database: database, by: .model, status: .completed, window: window)
        let phases = try PhaseReport(database: database, by: .model, window: window, now: now)
        let failures = try FailureReport(database: database, by: .day, window: window)
        let codes = try database.failuresByErrorCode(per: .day, window: window)
        let losses = try LossReport(database: database, by: .day, window: window, now: now)
        var page = Page(title: title, subtitle: Self.subtitle(window: window, now: now))

        // 1. Durations per model.
        let models = durations.groups.map(\.name)
        page.chart(
            id: "durations", title: "Job duration per model (completed jobs)",
            chart: BarChart(
                categories: models, xLabel: "model", yLabel: "duration (s)",
                series: [
                    ("p50", durations.groups.map(\.p50)), ("p90", durations.groups.map(\.p90)),
                    ("p99", durations.groups.map(\.p99)),
                ]),
            table: Table(command: "report durations --by model", report: durations))

        // 2. Queue wait against render time per model.
        let phaseGroups = Array(Set(phases.statistics.map(\.group))).sorted()
        let median: (PhaseReport.Measure) -> [Double?] = { measure in phaseGroups.map { phases.row($0, measure)?.p50 } }
        let measureRows: (Set<PhaseReport.Measure>) -> Table = { measures in
            Table(
                command: "report phases --by model", columns: PhaseReport.columnNames,
                rows: zip(phases.statistics, phases.rows).filter { measures.contains($0.0.measure) }.map(\.1))
        }
        page.chart(
            id: "phases", title: "Queue wait and render time per model (p50)",
            chart: BarChart(
                categories: phaseGroups, xLabel: "model", yLabel: "time (s)", stacked: true,
                series: [("queue", median(.queue)), ("render", median(.render))]),
            table: measureRows([.queue, .render]))

        // 3. Failure rate per day, with the error codes behind it.
        let days = failures.groups.map(\.group)
        var codesByDay: [String: [String]] = [:]
        for entry in codes { codesByDay[entry.group, default: []].append("\(entry.code.code): \(entry.code.count)") }
        page.chart(
            id: "failures", title: "Failure rate per day (failed ÷ finished)",
            chart: BarChart(
                categories: days, xLabel: "day (UTC, created_at)", yLabel: "failure rate (%)",
                series: [("failure rate", failures.groups.map { FailureReport.failureRate($0).map { $0 * 100 } })]),
            table: Table(
                command: "report failures --by day", columns: FailureReport.columnNames + ["error_codes"],
                rows: zip(failures.groups, failures.rows).map { group, row in
                    row + [.text((codesByDay[group.group] ?? []).joined(separator: ", "))]
                }))

        // 4. Jobs per day.
        page.chart(
            id: "jobs", title: "Jobs created per day",
            chart: BarChart(
                categories: days, xLabel: "day (UTC, created_at)", yLabel: "jobs", stacked: true,
                series: [
                    ("completed", failures.groups.map { Double($0.completed) }),
                    ("failed", failures.groups.map { Double($0.failed) }),
                    ("other", failures.groups.map { Double($0.total - $0.completed - $0.failed) }),
                ]),
            table: Table(command: "report failures --by day", report: failures))

        // 5. Notice delay per model.
        let notice: (KeyPath<PhaseReport.Row, Double?>) -> [Double?] = { path in
            phaseGroups.map { phases.row($0, .notice)?[keyPath: path] }
        }
        page.chart(
            id: "notice", title: "Notice delay per model: completed_at → the first poll that saw it",
            chart: BarChart(
                categories: phaseGroups, xLabel: "model", yLabel: "delay (s)",
                series: [("p50", notice(\.p50)), ("p90", notice(\.p90)), ("max", notice(\.max))]),
            table: measureRows([.notice, .margin]))

        // 6. What became of the finished videos, per day.
        page.chart(
            id: "losses", title: "Completed videos per day: downloaded, lost to expiry, still to fetch",
            chart: BarChart(
                categories: losses.groups.map(\.group), xLabel: "day (UTC, created_at)", yLabel: "videos", stacked: true,
                series: [
                    ("downloaded", losses.groups.map { Double($0.downloaded) }),
                    ("lost", losses.groups.map { Double($0.expiredUndownloaded) }),
                    ("still to fetch", losses.groups.map { Double($0.completed - $0.downloaded - $0.expiredUndownloaded) }),
                ]),
            table: Table(command: "report losses --by day", report: losses))
        html = page.render()
    }

    private static func subtitle(window: CreatedWindow, now: Int64) -> String {
        let since = window.since.map { "since " + TimeFormat.iso8601(seconds: $0) } ?? "from the first job"
        let until = window.until.map { "until " + TimeFormat.iso8601(seconds: $0) } ?? "to the last"
        return "Jobs by created_at \(since) \(until); expiry judged at \(TimeFormat.iso8601(seconds: now))."
    }
}

/// A table of a report's rows, written as its CSV writes them.
struct Table {
    var command: String
    var columns: [String]
    var rows: [[Cell]]

    init(command: String, columns: [String], rows: [[Cell]]) {
        self.command = command
        self.columns = columns
        self.rows = rows
    }

    init(command: String, report: some TabularReport) {
        self.init(command: command, columns: report.columns, rows: report.rows)
    }

    func render() -> String {
        var out = "<table data-command=\"\(HTML.escape(command))\">\n<thead><tr>"
        for column in columns { out += "<th>\(HTML.escape(column))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for cell in row {
                let numeric = cell.isNumeric ? " class=\"n\"" : ""
                out += "<td\(numeric)>\(HTML.escape(cell.plainText ?? ""))</td>"
            }
            out += "</tr>\n"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"\(columns.count)\">no rows</td></tr>\n" }
        return out + "</tbody></table>\n"
    }
}

/// A bar chart as inline SVG: grouped or stacked bars per category, a value axis with ticks and a legend.
///
/// Each drawn bar is a `rect.bar` with `data-series`, `data-category` and `data-value`; a missing value draws none.
struct BarChart {
    var categories: [String]
    var xLabel: String
    var yLabel: String
    var stacked = false
    var series: [(name: String, values: [Double?])]

    static let colours = ["#4C78A8", "#F58518", "#54A24B", "#B279A2"]
    static let width = 760.0, height = 340.0
    static let left = 70.0, right = 20.0, top = 20.0, bottom = 100.0

    init(categories: [String], xLabel: String, yLabel: String, stacked: Bool = false, series: [(String, [Double?])]) {
        self.categories = categories
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.stacked = stacked
        self.series = series.map { (name: $0.0, values: $0.1) }
    }

    /// How many bars are drawn: one per value present (and, stacked, above zero).
    var barCount: Int {
        series.reduce(0) { $0 + $1.values.filter { value in value.map { stacked ? $0 > 0 : true } ?? false }.count }
    }

    func render(id: String) -> String {
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let totals = categories.indices.map { index in
            stacked ? series.reduce(0) { $0 + max(0, $1.values[index] ?? 0) } : series.compactMap { $0.values[index] }.max() ?? 0
        }
        let axis = Self.niceAxis(max: totals.max() ?? 0)
        let y: (Double) -> Double = { Self.top + plotHeight - $0 / axis.max * plotHeight }
        var out = """
            <svg class="chart" id="chart-\(id)" data-bars="\(barCount)" xmlns="http://www.w3.org/2000/svg" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-label="\(HTML.escape(yLabel)) by \(HTML.escape(xLabel))">

            """
        for tick in axis.ticks {
            let position = Self.format(y(tick))
            out += "<line class=\"grid\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.width - Self.right))\" y1=\"\(position)\" y2=\"\(position)\"/>"
            out += "<text class=\"tick\" x=\"\(Int(Self.left) - 6)\" y=\"\(position)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.format(tick))</text>\n"
        }
        let band = categories.isEmpty ? plotWidth : plotWidth / Double(categories.count)
        let labelEvery = max(1, Int((14 / band).rounded(.up)))
        let barWidth = stacked ? band * 0.6 : band * 0.8 / Double(max(1, series.count))
        for (index, category) in categories.enumerated() {
            let bandStart = Self.left + band * Double(index)
            var base = 0.0
            for (number, entry) in series.enumerated() {
                guard let value = entry.values[index], !(stacked && value <= 0) else { continue }
                let x = stacked ? bandStart + band * 0.2 : bandStart + band * 0.1 + barWidth * Double(number)
                let low = stacked ? base : 0, high = stacked ? base + value : value
                base = high
                let colour = Self.colours[number % Self.colours.count]
                out += "<rect class=\"bar\" data-series=\"\(HTML.escape(entry.name))\" data-category=\"\(HTML.escape(category))\" "
                    + "data-value=\"\(Self.format(value))\" x=\"\(Self.format(x))\" y=\"\(Self.format(y(high)))\" "
                    + "width=\"\(Self.format(barWidth))\" height=\"\(Self.format(max(0.5, y(low) - y(high))))\" fill=\"\(colour)\">"
                    + "<title>\(HTML.escape(category)) · \(HTML.escape(entry.name)): \(Self.format(value))</title></rect>\n"
            }
            let label = category.count > 16 ? String(category.prefix(15)) + "…" : category
            let centre = Self.format(bandStart + band / 2), below = Int(Self.height - Self.bottom) + 16
            if categories.count <= 8 {
                out += "<text class=\"category\" x=\"\(centre)\" y=\"\(below)\" text-anchor=\"middle\">\(HTML.escape(label))</text>\n"
            } else if index % labelEvery == 0 {
                // Many categories (days): slanted labels, every one while they fit, else every few.
                out += "<text class=\"category\" x=\"\(centre)\" y=\"\(below - 6)\" text-anchor=\"end\" "
                    + "transform=\"rotate(-40 \(centre) \(below - 6))\">\(HTML.escape(label))</text>\n"
            }
        }
        let axisY = Int(Self.height - Self.bottom)
        out += "<line class=\"axis\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.width - Self.right))\" y1=\"\(axisY)\" y2=\"\(axisY)\"/>"
        out += "<line class=\"axis\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.left))\" y1=\"\(Int(Self.top))\" y2=\"\(axisY)\"/>\n"
        out += "<text class=\"label\" x=\"\(Self.format(Self.left + plotWidth / 2))\" y=\"\(Int(Self.height) - 24)\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>\n"
        out += "<text class=\"label\" transform=\"translate(16 \(Self.format(Self.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>\n"
        var legendX = Self.left
        for (number, entry) in series.enumerated() {
            out += "<rect class=\"key\" x=\"\(Self.format(legendX))\" y=\"\(Int(Self.height) - 14)\" width=\"10\" height=\"10\" fill=\"\(Self.colours[number % Self.colours.count])\"/>"
            out += "<text class=\"legend\" x=\"\(Self.format(legendX + 14))\" y=\"\(Int(Self.height) - 5)\">\(HTML.escape(entry.name))</text>\n"
            legendX += 24 + Double(entry.name.count) * 7
        }
        if categories.isEmpty {
            out += "<text class=\"empty\" x=\"\(Int(Self.width / 2))\" y=\"\(Int(Self.height / 2))\" text-anchor=\"middle\">no data in this window</text>\n"
        }
        return out + "</svg>\n"
    }

    /// An axis from 0 to a round maximum at or above `max`, with five ticks.
    static func niceAxis(max value: Double) -> (max: Double, ticks: [Double]) {
        guard value > 0, value.isFinite else { return (1, [0, 0.25, 0.5, 0.75, 1]) }
        let rough = value / 4
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? rough
        let top = step * (value / step).rounded(.up)
        return (top, stride(from: 0.0, through: top + step / 2, by: step).map { $0 })
    }

    /// A coordinate or value with at most two decimals.
    static func format(_ value: Double) -> String { NumberFormat.decimal(value, digits: 2) }
}

/// The page around the charts.
struct Page {
    var title: String
    var subtitle: String
    var sections: [String] = []

    init(title: String, subtitle: String) {
        self.title = title
        self.subtitle = subtitle
    }

    mutating func chart(id: String, title: String, chart: BarChart, table: Table) {
        sections.append(
            "<section id=\"\(id)\">\n<h2>\(HTML.escape(title))</h2>\n" + chart.render(id: id) + table.render() + "</section>\n")
    }

    func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 800px; color: #222; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg .grid { stroke: #e5e5e5; } svg .axis { stroke: #444; }
        svg text { font-size: 11px; fill: #333; } svg .label { font-size: 12px; }
        table { border-collapse: collapse; margin-top: 0.6em; font-size: 12px; width: 100%; }
        th, td { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; } td.n { text-align: right; }
        </style>
        </head>
        <body>
        <h1>\(HTML.escape(title))</h1>
        <p>\(HTML.escape(subtitle))</p>
        \(sections.joined())</body>
        </html>

        """
    }
}

/// Escaping for HTML text and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
