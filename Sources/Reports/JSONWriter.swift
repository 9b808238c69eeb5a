/// A JSON array of objects keyed by column name, or one object per line (NDJSON).
public final class JSONWriter: RowWriter {
    private let sink: OutputSink
    private let keys: [String]
    private let lines: Bool
    private var count = 0

    public init(columns: [String], sink: OutputSink, lines: Bool) {
        self.sink = sink
        self.keys = columns.map { JSONWriter.quote($0) + ":" }
        self.lines = lines
    }

    public func write(_ row: [Cell]) throws(OutputError) {
        var text = lines ? "" : (count == 0 ? "[\n" : ",\n")
        text += "{"
        for (index, cell) in row.enumerated() {
            if index > 0 { text += "," }
            text += keys[index]
            text += Self.value(cell)
        }
        text += "}"
        if lines { text += "\n" }
        count += 1
        try sink.write(text)
    }

    public func finish() throws(OutputError) {
        if !lines { try sink.write(count == 0 ? "[]\n" : "\n]\n") }
        try sink.flush()
    }

    /// One JSON object keyed by `columns`.
    public static func object(columns: [String], cells: [Cell]) -> String {
        "{" + zip(columns, cells).map { quote($0) + ":" + value($1) }.joined(separator: ",") + "}"
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .null: return "null"
        case .integer, .decimal, .fraction, .duration:
            guard let text = cell.plainText, text != "NaN", !text.hasSuffix("Infinity") else { return "null" }
            return text
        default: return quote(cell.plainText ?? "")
        }
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
