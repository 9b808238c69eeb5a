import ArgumentParser
import Foundation
import Reports

extension OutputFormat: ExpressibleByArgument {}

/// `--format` and `--no-header`, shared by every command that prints rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "Output format: table, csv, json or ndjson (default table; csv for export).")
    var chosenFormat: OutputFormat?

    @Flag(name: .long, help: "Leave out the CSV header row.")
    var noHeader = false

    /// The chosen format, `table` when none was given.
    var format: OutputFormat { chosenFormat ?? .table }

    /// Standard output, with colour only on a terminal and never with NO_COLOR set.
    func makeSink() -> (OutputSink, OutputStyle) {
        let sink = OutputSink.standardOutput()
        return (sink, style(for: sink))
    }

    /// The style for `sink`: colour only on a terminal without NO_COLOR, tables as wide as the terminal.
    func style(for sink: OutputSink) -> OutputStyle { Self.style(for: sink, header: !noHeader) }

    /// The style for `sink` when no options were parsed (commands that print tables of their own).
    static func style(for sink: OutputSink, header: Bool = true) -> OutputStyle {
        let environment = ProcessInfo.processInfo.environment
        let colour = sink.isTerminal && environment["NO_COLOR"].map(\.isEmpty) ?? true
        var width: Int? = nil
        if sink.isTerminal {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
        }
        return OutputStyle(header: header, colour: colour, width: width)
    }

    /// Prints rows in the chosen format.
    func print(columns: [String], rows: [[Cell]]) throws {
        let (sink, style) = makeSink()
        let writer = try makeRowWriter(format, columns: columns, sink: sink, style: style)
        for row in rows { try writer.write(row) }
        try writer.finish()
    }

    /// Prints a report in the chosen format (tables with their notes).
    func print(_ report: some TabularReport) throws {
        let (sink, style) = makeSink()
        try report.write(format: format, to: sink, style: style)
    }
}
