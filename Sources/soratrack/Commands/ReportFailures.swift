import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report failures`: failure rates per group, or failures per error code.
struct ReportFailures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures",
        abstract: "Failure rates per group, or failures per error code.",
        discussion: """
            failure_rate = failed ÷ (completed + failed), a fraction 0–1 (a percentage in tables). Jobs not \
            finished yet are pending and not in the rate; abandoned and not-found jobs count only in total. \
            With --by error_code: error_code,count,share, where share = failures with that code ÷ all \
            failures in the window (a null or empty code is unknown).

            Example:
              soratrack report failures --by day --since 7d

            Exit codes: 0 ok, 64 bad flags or times, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: "Group by none, model, size, seconds, day or error_code.")
    var by: JobGrouping = .none

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await ExitCodes.run {
            let window = time.resolve().window
            let db = try database.openReadOnly()
            if by == .errorCode {
                try output.print(try ErrorCodeReport(database: db, window: window))
            } else {
                try output.print(try FailureReport(database: db, by: by, window: window))
            }
            return .ok
        }
    }
}
