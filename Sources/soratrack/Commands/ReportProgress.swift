import ArgumentParser
import Foundation
import JobStore
import Reports
import VideoAPI

/// `soratrack report progress ID…`: the progress curve of jobs, from their snapshots.
struct ReportProgress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "The progress of one or more jobs against time: one row per poll that saw a status.",
        discussion: """
            elapsed_s counts from the job's created_at (from its first poll when the provider sent none). As a \
            table on a terminal, a one-line chart per job follows (▁ 0 % … █ 100 %, over the span of its polls).

            Example:
              soratrack report progress video_123 video_456

            Exit codes: 0 ok, 64 bad flags, 65 an invalid or unknown id, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it).
            """)

    @Argument(help: "Video ids.")
    var ids: [String]

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one video id") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let videoIDs = try ids.map { try VideoID(validating: $0) }
            let report = try ProgressReport(database: try database.openReadOnly(), ids: videoIDs)
            let (sink, style) = output.makeSink()
            try report.write(format: output.format, to: sink, style: style)
            if output.format == .table && sink.isTerminal {
                try sink.write("\n")
                for line in report.chart() { try sink.write(line + "\n") }
                try sink.flush()
            }
            return .ok
        }
    }
}
