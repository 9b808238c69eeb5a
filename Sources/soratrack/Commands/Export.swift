import ArgumentParser
import AtomicFile
import Foundation
import JobStore
import Reports
import VideoModel

extension HistoryExport.Kind: ExpressibleByArgument {}

/// `soratrack export jobs|snapshots`: the whole history (or a window of it) as CSV, JSON or NDJSON.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export jobs or snapshots as CSV (or JSON/NDJSON), streamed, to stdout or atomically to a file.",
        discussion: """
            jobs: one row per job (the columns of `jobs`). snapshots: one row per poll attempt of the jobs \
            created in the window, in the order they were recorded. CSV is RFC 4180 with CRLF line ends and \
            values exactly as stored. With --output the rows go to a hidden temporary file beside PATH, \
            which is synced and renamed to PATH only when complete: an interrupted export never leaves a \
            partial file at PATH (Ctrl-C removes the temporary file; one left by a killed export is removed \
            by the next export to PATH). A new file gets mode 0600; a replaced one keeps its mode.

            Example:
              soratrack export snapshots --since 7d --output snapshots.csv

            Exit codes: 0 ok, 64 bad flags or times, 73 cannot create the output file, 74 no database, \
            database or write error, 78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Argument(help: "What to export: jobs or snapshots.")
    var kind: HistoryExport.Kind

    @Option(name: .long, help: ArgumentHelp("Write to this file atomically instead of stdout (- is stdout).", valueName: "path"))
    var output: String?

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var format: OutputOptions

    func validate() throws {
        if format.chosenFormat == .table { throw ValidationError("export writes csv, json or ndjson; use `soratrack jobs` for a table") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let export = HistoryExport(kind: kind, window: time.resolve().window)
            let db = try database.openReadOnly()
            let chosen = format.chosenFormat ?? .csv
            let write = { (sink: OutputSink) throws -> Void in
                let writer = try makeRowWriter(chosen, columns: kind.columns, sink: sink, style: format.style(for: sink))
                try export.write(from: db, to: writer)
            }
            if let output, output != "-" {
                let file = try AtomicOutputFile(path: output)
                // Ctrl-C or SIGTERM: remove the partial file at once, then end as the signal would have.
                let signals = TerminationSignals { signal in
                    AtomicFile.removeUnfinished()
                    _exit(ExitStatus(signal: signal).rawValue)
                }
                defer { signals.cancel() }
                try file.write(write)
            } else {
                try write(OutputSink.standardOutput())
            }
            return .ok
        }
    }
}
