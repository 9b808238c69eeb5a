/// A JSON array of objects keyed by column name, or one object per line (NDJSON).
///
/// Numbers are JSON numbers (a non-finite one is `null`), null is `null`, timestamps are ISO 8601 strings.
public final class JSONWriter: RowWriter {
    private let sink: OutputSink
    /// `"name":` of each column, encoded once.
    private let keys: [String]
    private let lines: Bool
    private var count = 0

    public init(columns: [String], sink: OutputSink, lines: Bool) {
        self.sink = sink
        self.keys = columns.map { JSONWriter.quote($0) + ":" }
        self.lines = lines
    }

    public func write(_ row: [Cell]) throws(OutputError) {
        if !lines { try sink.write(count == 0 ? "[\n" : ",\n") }
        try Self.writeObject(keys: keys, cells: row, to: sink)
        if lines { try sink.write(byte: 10) }
        count += 1
    }

    public func finish() throws(OutputError) {
        if !lines { try sink.write(count == 0 ? "[]\n" : "\n]\n") }
        try sink.flush()
    }

    /// One JSON object keyed by `columns`.
    public static func object(columns: [String], cells: [Cell]) -> String {
        let sink = OutputSink.memory()
        try? writeObject(keys: columns.map { quote($0) + ":" }, cells: cells, to: sink)
        return sink.text
    }

    private static func writeObject(keys: [String], cells: [Cell], to sink: OutputSink) throws(OutputError) {
        try sink.write(byte: UInt8(ascii: "{"))
        for index in 0..<min(keys.count, cells.count) {
            if index > 0 { try sink.write(byte: UInt8(ascii: ",")) }
            try sink.write(keys[index])
            try writeValue(cells[index], to: sink)
        }
        try sink.write(byte: UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func writeValue(_ cell: Cell, to sink: OutputSink) throws(OutputError) {
        switch cell {
        case .null: try sink.write("null")
        case .integer(let value): try NumberFormat.write(value, to: sink)
        case .decimal(let value), .duration(let value):
            if value.isFinite { try NumberFormat.write(value, digits: 3, to: sink) } else { try sink.write("null") }
        case .fraction(let value):
            if value.isFinite { try NumberFormat.write(value, digits: 4, to: sink) } else { try sink.write("null") }
        case .text(let text): try writeString(text, to: sink)
        case .timestamp(let seconds):
            try sink.write(byte: UInt8(ascii: "\""))
            try TimeFormat.write(iso8601Seconds: seconds, to: sink)
            try sink.write(byte: UInt8(ascii: "\""))
        case .timestampMilliseconds(let ms):
            try sink.write(byte: UInt8(ascii: "\""))
            try TimeFormat.write(iso8601Milliseconds: ms, to: sink)
            try sink.write(byte: UInt8(ascii: "\""))
        case .boolean(let value): try sink.write(value ? "true" : "false")
        }
    }

    /// Appends a JSON string literal: `"` and `\` escaped, control characters as `\n`, `\u001b`, …; other UTF-8 as is.
    static func writeString(_ text: String, to sink: OutputSink) throws(OutputError) {
        try sink.write(byte: UInt8(ascii: "\""))
        try OutputSink.withUTF8(text) { (bytes) throws(OutputError) in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { try sink.write(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
                start = index + 1
                try sink.write(byte: UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): try sink.write(byte: byte)
                case 10: try sink.write(byte: UInt8(ascii: "n"))
                case 13: try sink.write(byte: UInt8(ascii: "r"))
                case 9: try sink.write(byte: UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    try sink.write("u00")
                    try sink.write(byte: hex[Int(byte >> 4)])
                    try sink.write(byte: hex[Int(byte & 0xF)])
                }
            }
            if start < bytes.count { try sink.write(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...]))) }
        }
        try sink.write(byte: UInt8(ascii: "\""))
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        let sink = OutputSink.memory()
        try? writeString(text, to: sink)
        return sink.text
    }
}
