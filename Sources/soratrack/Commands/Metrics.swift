import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack metrics`: the history's health in the Prometheus text format, for node_exporter's textfile collector.
struct Metrics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the history's health as Prometheus metrics (text format 0.0.4), or write them atomically to a file.",
        discussion: """
            Jobs by phase (every phase, 0 included), failure ratio and finished jobs by model over --window, \
            completed videos not downloaded that expire within the hour or have expired, the last sync's \
            start, end and success times, duration, exit code and poll errors by HTTP status, snapshots \
            stored, polls ever made and the database size; all prefixed soratrack_. With --output the text \
            goes to a hidden temporary file beside PATH, renamed into place when complete, so the collector \
            never reads half a file (a new file gets mode 0644). `sync --metrics-file PATH` writes the same \
            file after each sync.

            Example:
              soratrack metrics --output /var/lib/node_exporter/textfile_collector/soratrack.prom

            Exit codes: 0 ok, 64 bad flags or times, 73 cannot create the output file, 74 no database, \
            database or write error, 78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: ArgumentHelp("Write to this file atomically instead of stdout (- is stdout).", valueName: "path"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Failure ratios cover the jobs created this long before now, e.g. 24h.", valueName: "duration"))
    var window = HumanDuration(.seconds(24 * 3600), text: "24h")

    @Option(name: .long, help: ArgumentHelp("Pin \"now\" for reproducible output (ISO 8601, unix seconds or an age; default the clock).", valueName: "time"), transform: TimeArgument.parse)
    var now: TimeArgument?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard window.duration > .zero else { throw ValidationError("--window must be more than 0, e.g. 24h") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let exposition = try MetricsExposition(
                database: try database.openReadOnly(), now: now?.date(now: Date()) ?? Date(), window: window.duration)
            if let output, output != "-" {
                try exposition.write(toFile: output)
            } else {
                let sink = OutputSink.standardOutput()
                try exposition.write(to: sink)
                try sink.flush()
            }
            return .ok
        }
    }
}
