import ArgumentParser
import JobStore
import Reports

extension JobGrouping: ExpressibleByArgument {}
extension DurationStatus: ExpressibleByArgument {}

/// `soratrack report`: answers from the history (durations, failures, expiring videos).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report on the history: durations, failures, expiring and lost videos, where the time went, progress, an HTML page.",
        discussion: """
            Every report takes --since/--until (a window on the jobs' created_at: since inclusive, until \
            exclusive), --now, --format table|csv|json|ndjson and --db.

            Examples:
              soratrack report durations --by model --since 7d
              soratrack report failures --by error_code --format csv
              soratrack report expiring --within 30m
              soratrack report losses --by day --since 7d
              soratrack report phases --by model
              soratrack report progress video_123
              soratrack report html --output report.html
            """,
        subcommands: [
            ReportDurations.self, ReportFailures.self, ReportExpiring.self, ReportLosses.self, ReportPhases.self,
            ReportProgress.self, ReportHTML.self,
        ])
}
