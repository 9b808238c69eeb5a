import ArgumentParser
import Foundation
import SyncEngine

/// `soratrack discover`: track every video the provider lists that the database does not know.
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Track every video the provider lists that the database does not know yet.",
        discussion: """
            Walks GET /videos newest first (order=desc, up to 100 per page, after= the last id of the previous \
            page) and starts tracking each id the database has never seen, recording its list item (with the \
            page's request id) as its first snapshot; ids already known, tracked or not, are left as they are. \
            --limit caps the videos examined; --since stops at the first video created before that time. \
            Running it twice tracks nothing new the second time. Prints one summary line.

            Example:
              soratrack discover --since 24h --label found
              soratrack discover --limit 500

            Exit codes: 0 ok, 1 a later page failed (what was read is recorded), 69 the provider does not \
            support listing videos (404, 405, a redirect or an HTML page) or cannot be reached, 73/74 database \
            error, 77 missing or rejected API key, 78 newer database schema or bad base URL.
            """)

    @Option(name: .long, help: "Examine at most this many videos (newest first).")
    var limit: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Stop at videos created before this time: ISO 8601 date or date-time (no zone means UTC), unix seconds, or an age such as 24h, 7d.",
            valueName: "time"),
        transform: TimeArgument.parse)
    var since: TimeArgument?

    @Option(name: .long, help: "A label stored with the newly tracked jobs.")
    var label: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await ExitCodes.run {
            try await api.withClient(maxConnections: 1) { client in
                let discovery = Discovery(
                    database: try database.open(), client: client, logger: log.makeLogger(label: "soratrack.discover"))
                let summary = try await discovery.run(limit: limit, since: since?.date(now: Date()), label: label)
                if let failure = summary.failure {
                    if summary.pages > 0, !log.quiet { print(summary.line) }
                    throw DiscoveryError(failure: failure, pagesRead: summary.pages)
                }
                if !log.quiet { print(summary.line) }
                return summary.exitCode
            }
        }
    }
}
