import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack jobs`: the latest state of each job.
struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the latest state of each job, newest first.",
        discussion: """
            Tables show the main columns; csv, json and ndjson show every column of `export jobs` \
            (video_id, status, model, …, polls, phase). A status the tool does not know shows phase unknown.

            Example:
              soratrack jobs --status failed --since 24h --format csv > failed.csv

            Exit codes: 0 ok, 64 bad flags, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: "Only jobs in this phase (queued, running, completed, failed, unknown, abandoned, not_found) or with this raw status.")
    var status: String?

    @Option(name: .long, help: "Only jobs of this model.")
    var model: String?

    @Option(name: .long, help: "Show at most this many jobs.")
    var limit: Int?

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let window = time.resolve().window
            let filter = JobFilter(
                status: status, model: model, since: window.since.map { Date(timeIntervalSince1970: Double($0)) },
                until: window.until.map { Date(timeIntervalSince1970: Double($0)) }, limit: limit)
            let jobs = try database.openReadOnly().jobs(filter)
            if output.format == .table {
                try output.print(columns: JobColumns.tableNames, rows: jobs.map(JobColumns.tableCells))
            } else {
                try output.print(columns: JobColumns.names, rows: jobs.map(JobColumns.cells))
            }
            return .ok
        }
    }
}
