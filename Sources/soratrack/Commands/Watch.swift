import ArgumentParser
import Foundation
import JobStore
import Reports
import SyncEngine

/// `soratrack watch`: keep polling until every job is finished.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll unfinished jobs continuously until none is left (or forever).",
        discussion: """
            Takes the same lock as sync (a sync or another watch on this database exits 75), polls every \
            unfinished job at once, then each again --interval after its last poll, or sooner or later \
            when the provider sends openai-poll-after-ms or retry-after. Jobs tracked meanwhile by another \
            process are picked up within a second. SIGINT or SIGTERM lets the polls in flight finish and \
            be recorded, then exits 0. The same request budget and circuit breaker as sync apply: when the API \
            is plainly down the watch ends with one line (exit 69, or 1 for a failing provider).

            Example:
              soratrack watch --interval 15s
              soratrack watch --forever --quiet &

            Exit codes: 0 done or stopped by a signal, 1 some polls failed, 69 API unreachable, \
            74 database error, 75 another sync or watch holds the lock, 77 missing or rejected API key.
            """)

    @Option(name: .long, help: ArgumentHelp("Time between two polls of one job, e.g. 10s.", valueName: "duration"))
    var interval = HumanDuration(.seconds(10), text: "10s")

    @Flag(name: .long, help: "Keep running when no job is left, waiting for new ones.")
    var forever = false

    @OptionGroup var polling: PollingOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        guard interval.duration >= .milliseconds(100) else { throw ValidationError("--interval must be at least 100ms") }
    }

    func run() async throws {
        try await ExitCodes.run {
            try await api.withClient(maxConnections: polling.concurrency) { client in
                let lock = try database.lock()
                let db = try database.open()
                let logger = log.makeLogger(label: "soratrack.watch")
                let stop = StopSignal()
                let signals = TerminationSignals { _ in
                    logger.notice("stopping: letting the polls in flight finish")
                    stop.stop()
                }
                defer { signals.cancel() }
                let progress = ProgressLine(enabled: !log.quiet)
                let summary = try await SyncEngine(database: db, client: client, logger: logger).watch(
                    SyncOptions(concurrency: polling.concurrency, giveUpAfter: polling.giveUpAfter.duration, command: "watch"),
                    interval: interval.duration, forever: forever, stop: stop
                ) { step in progress.update(done: step.done, total: step.total, errors: step.errors, label: "watch") }
                progress.finish()
                withExtendedLifetime(lock) {}
                return try summary.conclude(prefix: "watch: ", quiet: log.quiet)
            }
        }
    }
}
