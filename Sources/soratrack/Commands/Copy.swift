import ArgumentParser
import Foundation
import JobStore

/// `soratrack copy`: moves a history between backends (SQLite ⇄ PostgreSQL, or between two of either).
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a whole history from one database to another (SQLite file or postgres:// URL), then verify the counts.",
        discussion: """
            Copies jobs, snapshots, response bodies, runs, downloads and create attempts with their ids, in batches; \
            rows already in the destination are kept, so running it again copies only what is missing (an interrupted \
            copy resumes). The source is opened read-only. Afterwards both must hold the same number of rows of each \
            kind, or the copy fails: copy into an empty database. Stop sync and watch on the source while copying.

            Examples:
              soratrack copy --from ~/.local/share/soratrack/jobs.sqlite --to postgres://tracker@db.internal/soratrack
              soratrack copy --from postgres://tracker@db.internal/soratrack --to backup.sqlite

            Exit codes: 0 copied and verified, 65 the destination holds another history (counts differ) or is the \
            source, 73 cannot create the destination file, 74 database error or server unreachable, 77 login refused, \
            78 bad URL or a newer schema on either side.
            """)

    @Option(name: .long, help: ArgumentHelp("The history to read: an SQLite file or postgres://… URL.", valueName: "path|url"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The history to fill (created when missing): an SQLite file or postgres://… URL.", valueName: "path|url"))
    var to: String

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        try Self.options(from).validate()
        try Self.options(to).validate()
    }

    static func options(_ value: String) -> DatabaseOptions {
        var options = DatabaseOptions()
        options.db = value
        return options
    }

    func run() async throws {
        try await ExitCodes.run {
            let source = try Self.options(from).openReadOnly()
            let destination = try Self.options(to).open()
            let result = try HistoryCopy.copy(from: source, to: destination)
            if !quiet {
                print("copied \(result.total) rows from \(source.location) to \(destination.location); both hold \(result.counts)")
            }
            return .ok
        }
    }
}
