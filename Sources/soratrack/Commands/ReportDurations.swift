import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report durations`: count, mean and percentiles of job durations per group.
struct ReportDurations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durations",
        abstract: "Count, mean, p50/p90/p95/p99 and max of job durations (completed_at − created_at) per group.",
        discussion: """
            Percentiles interpolate linearly between closest ranks (numpy's default). A failed job without \
            completed_at has no duration. Groups are sorted by name; null values group as unknown. Tables \
            show durations such as 1m08s and a histogram below; csv/json give seconds (up to 3 decimals).

            Example:
              soratrack report durations --by model --since 2026-11-01 --until 2026-12-01

            Exit codes: 0 ok, 64 bad flags or times, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: "Group by none, model, size, seconds or day (UTC date of created_at).")
    var by: JobGrouping = .none

    @Option(name: .long, help: "Which finished jobs: completed, failed or all.")
    var status: DurationStatus = .completed

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if by == .errorCode { throw ValidationError("--by error_code is for report failures; durations group by none, model, size, seconds or day") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let window = time.resolve().window
            let report = try DurationReport(database: try database.openReadOnly(), by: by, status: status, window: window)
            try output.print(report)
            return .ok
        }
    }
}
