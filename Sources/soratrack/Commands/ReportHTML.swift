import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report html`: one self-contained page of charts and the numbers behind them.
struct ReportHTML: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Write one self-contained HTML page: durations, queue vs render, failures, jobs per day, notice delay, losses.",
        discussion: """
            Six charts (inline SVG: no script, nothing fetched, opens in a browser without a server), each with a \
            title, axes with units, and its numbers in a table underneath, written as the CSV of the report it \
            names. The file appears only when complete (mode 0644 less the umask; a replaced file keeps its mode).

            Example:
              soratrack report html --output report.html --since 30d

            Exit codes: 0 ok, 64 bad flags or times, 73 the file cannot be created, 74 database or write error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it).
            """)

    @Option(name: .long, help: ArgumentHelp("The page to write.", valueName: "file"))
    var output: String

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await ExitCodes.run {
            let (now, window) = time.resolve()
            let page = try HTMLReport(
                database: try database.openReadOnly(), window: window, now: Int64(now.timeIntervalSince1970.rounded(.down)))
            try AtomicOutputFile.write(to: output, newFileMode: 0o644) { sink in try sink.write(page.html) }
            print(output)
            return .ok
        }
    }
}
