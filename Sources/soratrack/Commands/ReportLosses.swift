import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report losses`: completed videos that expired before anyone downloaded them.
struct ReportLosses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "losses",
        abstract: "Completed jobs that expired before any successful video download, per group.",
        discussion: """
            Per group of completed jobs: completed, downloaded (at least one successful video download, by \
            download or sync --download-dir), expired_undownloaded (expires_at ≤ now and no successful video \
            download) and loss_rate = expired_undownloaded ÷ (downloaded + expired_undownloaded), a fraction 0–1 \
            (a percentage in tables), empty when no job of the group is settled. Jobs neither downloaded nor \
            expired yet count only in completed.

            Example:
              soratrack report losses --by day --since 7d

            Exit codes: 0 ok, 64 bad flags or times, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: "Group by none, model, size, seconds or day.")
    var by: JobGrouping = .none

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if by == .errorCode { throw ValidationError("report losses groups by none, model, size, seconds or day") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let (now, window) = time.resolve()
            let report = try LossReport(
                database: try database.openReadOnly(), by: by, window: window,
                now: Int64(now.timeIntervalSince1970.rounded(.down)))
            try output.print(report)
            return .ok
        }
    }
}
