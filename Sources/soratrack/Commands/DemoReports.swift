import Foundation
import JobStore
import Reports

/// The reports the demo prints at the end, as `report durations|failures|phases|expiring` would.
enum DemoReports {
    static func print(database: any HistoryStore, now: Date, baseURL: String, style: OutputStyle) throws {
        let sink = OutputSink.standardOutput()
        let window = CreatedWindow()
        let sections: [(String, any TabularReport)] = [
            ("soratrack report durations --by model", try DurationReport(database: database, by: .model, status: .completed, window: window)),
            ("soratrack report failures --by model", try FailureReport(database: database, by: .model, window: window)),
            ("soratrack report failures --by error_code", try ErrorCodeReport(database: database, window: window)),
            ("soratrack report phases --by model", try PhaseReport(
                database: database, by: .model, window: window, now: Int64(now.timeIntervalSince1970.rounded(.down)))),
            ("soratrack report expiring --within 1h", try ExpiringReport(
                database: database, now: Int64(now.timeIntervalSince1970.rounded(.down)), within: 3600,
                includeExpired: false, window: window, baseURL: baseURL)),
        ]
        for (title, report) in sections {
            try sink.write("\n$ \(title)\n")
            try report.write(format: .table, to: sink, style: style)
        }
        try sink.flush()
    }
}
