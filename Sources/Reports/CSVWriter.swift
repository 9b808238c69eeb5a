/// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF; values exactly as stored.
///
/// A null is an empty field; an empty text is `""`, so the two stay apart for readers that care.
public final class CSVWriter: RowWriter {
    private let sink: OutputSink

    public init(columns: [String], sink: OutputSink, header: Bool = true) throws(OutputError) {
        self.sink = sink
        if header { try write(columns.map(Cell.text)) }
    }

    public func write(_ row: [Cell]) throws(OutputError) {
        var first = true
        for cell in row {
            if !first { try sink.write(byte: UInt8(ascii: ",")) }
            first = false
            try field(cell)
        }
        try sink.write(byte: 13)
        try sink.write(byte: 10)
    }

    public func finish() throws(OutputError) { try sink.flush() }

    @inline(__always)
    private func field(_ cell: Cell) throws(OutputError) {
        switch cell {
        case .null: return
        case .text(let text): try Self.writeEscaped(text, to: sink)
        case .integer(let value): try NumberFormat.write(value, to: sink)
        case .decimal(let value), .duration(let value): try NumberFormat.write(value, digits: 3, to: sink)
        case .fraction(let value): try NumberFormat.write(value, digits: 4, to: sink)
        case .timestamp(let seconds): try TimeFormat.write(iso8601Seconds: seconds, to: sink)
        case .timestampMilliseconds(let ms): try TimeFormat.write(iso8601Milliseconds: ms, to: sink)
        case .boolean(let value): try sink.write(value ? "true" : "false")
        }
    }

    /// Appends `text` as one field, quoted (quotes doubled) only when RFC 4180 requires it.
    static func writeEscaped(_ text: String, to sink: OutputSink) throws(OutputError) {
        try OutputSink.withUTF8(text) { (bytes) throws(OutputError) in
            if bytes.isEmpty {
                try sink.write(byte: UInt8(ascii: "\""))
                try sink.write(byte: UInt8(ascii: "\""))
                return
            }
            var needsQuotes = false
            for byte in bytes where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 {
                needsQuotes = true
                break
            }
            guard needsQuotes else {
                try sink.write(bytes: UnsafeRawBufferPointer(bytes))
                return
            }
            try sink.write(byte: UInt8(ascii: "\""))
            var start = 0
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\"") {
                // Write up to and including the quote, then the quote again.
                try sink.write(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...index])))
                try sink.write(byte: UInt8(ascii: "\""))
                start = index + 1
            }
            try sink.write(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
            try sink.write(byte: UInt8(ascii: "\""))
        }
    }

    /// `field` as it appears in CSV (quoted when needed).
    static func escape(_ field: String) -> String {
        let sink = OutputSink.memory()
        try? writeEscaped(field, to: sink)
        return sink.text
    }
}
