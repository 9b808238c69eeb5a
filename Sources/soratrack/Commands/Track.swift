import ArgumentParser
import Foundation
import JobStore
import SyncEngine
import VideoAPI

/// `soratrack track`: start tracking ids, then poll the new ones once.
struct Track: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start tracking video ids and poll the new ones once.",
        discussion: """
            An id is opaque: 1–1024 bytes of printable ASCII without spaces (such as \
            video_69b25d5f467c81908733a56bc236b4df, job-abc123, or a gateway's long base64 id). \
            --from reads one id per line (blank lines and # comments skipped) or JSON lines with an "id" \
            field, such as saved create responses; - reads standard input. If any id is invalid the whole \
            batch is refused, every bad line is listed, and nothing changes (exit 65). Tracking an id that \
            was untracked, abandoned or not found revives it.

            Example:
              soratrack track video_69b25d5f467c81908733a56bc236b4df --label launch-teaser
              soratrack track --from ids.txt --no-poll

            Exit codes: 0 ok, 1 some polls failed, 65 invalid ids or unreadable file, 69 API unreachable, \
            77 missing or rejected API key.
            """)

    @Argument(help: "Video ids to track.")
    var ids: [String] = []

    @Option(name: .long, help: ArgumentHelp("Read ids from a file (- for standard input).", valueName: "file"))
    var from: [String] = []

    @Option(name: .long, help: "A label stored with the jobs (shown by jobs and exports).")
    var label: String?

    @Flag(name: .long, help: "Only record the ids; the next sync polls them.")
    var noPoll = false

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency = 8

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        if ids.isEmpty && from.isEmpty { throw ValidationError("give at least one id, or --from FILE") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let batch = try IDList.parse(arguments: ids, files: try from.map(InputFile.read))
            if noPoll {
                report(try database.open().track(batch, label: label, at: Date()))
                return .ok
            }
            return try await api.withClient(maxConnections: concurrency) { client in
                let db = try database.open()
                let result = try db.track(batch, label: label, at: Date())
                report(result)
                guard !result.toPoll.isEmpty else { return .ok }
                let engine = SyncEngine(database: db, client: client, logger: log.makeLogger(label: "soratrack.track"))
                let summary = try await engine.poll(result.toPoll, options: SyncOptions(concurrency: concurrency, command: "track"))
                return try summary.conclude(prefix: "poll: ", quiet: log.quiet)
            }
        }
    }

    private func report(_ result: TrackResult) {
        guard !log.quiet else { return }
        print("tracking \(result.added.count) new, \(result.revived.count) revived, \(result.alreadyTracked.count) already tracked")
    }
}
