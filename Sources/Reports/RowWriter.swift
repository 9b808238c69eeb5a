/// Writes rows of cells in one output format; `finish` completes the document.
public protocol RowWriter {
    /// Adds one row (cells in the order of the columns).
    func write(_ row: [Cell]) throws(OutputError)
    /// Ends the document and flushes.
    func finish() throws(OutputError)
}

/// Options shared by every output.
public struct OutputStyle: Sendable {
    /// Print the CSV header row.
    public var header = true
    /// Use ANSI colour in tables (only on a terminal without NO_COLOR).
    public var colour = false
    /// Widest a table may be, in characters (nil: no limit).
    public var width: Int?

    public init(header: Bool = true, colour: Bool = false, width: Int? = nil) {
        self.header = header
        self.colour = colour
        self.width = width
    }
}

/// Makes the writer for a format.
public func makeRowWriter(_ format: OutputFormat, columns: [String], sink: OutputSink, style: OutputStyle = OutputStyle()) throws(OutputError) -> any RowWriter {
    switch format {
    case .csv: return try CSVWriter(columns: columns, sink: sink, header: style.header)
    case .json: return JSONWriter(columns: columns, sink: sink, lines: false)
    case .ndjson: return JSONWriter(columns: columns, sink: sink, lines: true)
    case .table: return TableWriter(columns: columns, sink: sink, style: style)
    }
}

/// How rows are printed: aligned table for people, CSV/JSON/NDJSON for programs.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, ndjson
}
