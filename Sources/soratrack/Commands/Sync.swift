import ArgumentParser
import Foundation
import JobStore
import Reports
import SyncEngine

/// `soratrack sync`: the cron entry point.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-poll every tracked job that is not finished, once, and record every attempt.",
        discussion: """
            Takes an exclusive lock beside the database (a second sync or watch exits 75 at once), ends \
            jobs older than --give-up-after as abandoned, polls the rest with --concurrency requests in \
            flight (each with --retries retries on 408/409/429/5xx and transport errors), records every \
            response as it arrives (answers arriving during a commit share the next one), and prints one \
            summary line. With --download-dir it then downloads the video of every completed job not \
            downloaded yet whose link has not expired (one more line, download: …; see soratrack download). \
            --metrics-file writes Prometheus metrics after the run (see soratrack metrics) and --ping-url \
            sends Healthchecks-style heartbeats (URL/start, then URL or URL/<exit code>); neither changes \
            the exit code.

            A bad day is short: a refused connection fails at once; when the API is plainly down (the first round \
            of requests, or as many in a row, get no answer, or only 5xx from a gateway) the run stops starting \
            requests, leaves the other jobs for the next run and exits 69 (1 for a failing provider). One request \
            budget serves the whole run: --max-rpm (or SORATRACK_MAX_RPM), the API's x-ratelimit-* headers, and \
            a 429 that pauses every worker. A run that fails prints exactly one line on stderr; --verbose adds a \
            line per job, and every attempt is in the database.

            Example (crontab, every 5 minutes):
              */5 * * * * soratrack sync --quiet --api-key-file ~/.config/soratrack/key --max-duration 4m \
                --download-dir /srv/videos --metrics-file /var/lib/node_exporter/textfile_collector/soratrack.prom

            Exit codes: 0 ok (also when --max-duration left jobs for the next run), 1 some polls failed after \
            retries, the provider answered only 5xx, or a 429 asked to wait over 120s, 69 API unreachable, 73 cannot create the \
            database or --download-dir, 74 database error, 75 another sync holds the lock, 77 missing or rejected API key, \
            78 newer database schema or bad base URL.
            """)

    @Option(name: .long, help: ArgumentHelp("Stop launching requests after this long, e.g. 4m.", valueName: "duration"))
    var maxDuration: HumanDuration?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL: how long a claim on a job holds if this run dies (default --max-duration, else 10m).", valueName: "duration"))
    var lease: HumanDuration?

    @OptionGroup var polling: PollingOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions
    @OptionGroup var ops: OpsOptions
    @OptionGroup var downloads: SyncDownloadOptions

    func run() async throws {
        try await ops.around(database: database) { monitor in try await sync(monitor) }
    }

    /// The sync itself; `monitor` sends its heartbeats.
    private func sync(_ monitor: OpsRun) async throws {
        try await ExitCodes.run {
            try await api.withClient(maxConnections: polling.concurrency) { client in
                let lock = try database.lock()
                await monitor.started()
                let db = try database.open()
                let engine = SyncEngine(database: db, client: client, logger: log.makeLogger(label: "soratrack.sync"))
                let options = SyncOptions(concurrency: polling.concurrency, maxDuration: maxDuration?.duration, giveUpAfter: polling.giveUpAfter.duration, lease: lease?.duration)
                let progress = ProgressLine(enabled: !log.quiet)
                let summary = try await engine.sync(options) { step in
                    progress.update(done: step.done, total: step.total, errors: step.errors, label: "sync")
                }
                progress.finish()
                monitor.record("sync: " + summary.line)
                let code = try summary.conclude(prefix: "sync: ", quiet: log.quiet)
                let downloaded = try await downloads.run(database: db, client: client, concurrency: polling.concurrency, log: log)
                withExtendedLifetime(lock) {}
                return code == .ok ? downloaded : code
            }
        }
    }
}
