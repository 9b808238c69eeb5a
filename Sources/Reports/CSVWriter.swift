/// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF; values exactly as stored.
public final class CSVWriter: RowWriter {
    private let sink: OutputSink

    public init(columns: [String], sink: OutputSink, header: Bool = true) throws(OutputError) {
        self.sink = sink
        if header { try writeFields(columns.map(Optional.some)) }
    }

    public func write(_ row: [Cell]) throws(OutputError) {
        try writeFields(row.map(\.plainText))
    }

    public func finish() throws(OutputError) { try sink.flush() }

    private func writeFields(_ fields: [String?]) throws(OutputError) {
        var line = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { line += "," }
            if let field { line += Self.escape(field) }
        }
        line += "\r\n"
        try sink.write(line)
    }

    /// Quotes a field when RFC 4180 requires it.
    static func escape(_ field: String) -> String {
        var needsQuotes = false
        for byte in field.utf8 where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
