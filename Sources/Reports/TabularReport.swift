/// A report: named columns, rows of cells, and lines only people see under a table.
public protocol TabularReport {
    /// Column names, in order (docs/reports.md, Output columns).
    var columns: [String] { get }
    /// The rows, in order.
    var rows: [[Cell]] { get }
    /// Lines printed under the table (histograms, hints); never in CSV or JSON.
    var tableFooter: [String] { get }
}

extension TabularReport {
    /// Writes the report in `format`; tables get their footer lines.
    public func write(format: OutputFormat, to sink: OutputSink, style: OutputStyle = OutputStyle()) throws(OutputError) {
        let writer = try makeRowWriter(format, columns: columns, sink: sink, style: style)
        for row in rows { try writer.write(row) }
        try writer.finish()
        guard format == .table else { return }
        let footer = tableFooter
        if !footer.isEmpty {
            try sink.write("\n")
            for line in footer { try sink.write(line + "\n") }
        }
        try sink.flush()
    }

    /// The report as text in `format` (tests and the demo).
    public func text(format: OutputFormat, style: OutputStyle = OutputStyle()) -> String {
        let sink = OutputSink.memory()
        try? write(format: format, to: sink, style: style)
        return sink.text
    }
}
