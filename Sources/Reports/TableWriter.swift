/// Aligned columns for people: numbers right-aligned, durations human, long text shortened to fit the width.
public final class TableWriter: RowWriter {
    private let columns: [String]
    private let sink: OutputSink
    private let style: OutputStyle
    private var rows: [[String]] = []
    private var numeric: [Bool]

    public init(columns: [String], sink: OutputSink, style: OutputStyle) {
        self.columns = columns
        self.sink = sink
        self.style = style
        self.numeric = Array(repeating: false, count: columns.count)
    }

    public func write(_ row: [Cell]) throws(OutputError) {
        rows.append(row.enumerated().map { index, cell in
            if cell.isNumeric { numeric[index] = true }
            return Self.text(cell)
        })
    }

    public func finish() throws(OutputError) {
        var widths = columns.map(\.count)
        for row in rows {
            for (index, text) in row.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        if let limit = style.width { widths = Self.fit(widths, headers: columns.map(\.count), into: limit) }
        let bold = style.colour ? "\u{1B}[1m" : "", reset = style.colour ? "\u{1B}[0m" : ""
        try sink.write(bold + line(columns, widths: widths) + reset + "\n")
        for row in rows { try sink.write(line(row, widths: widths) + "\n") }
        try sink.flush()
    }

    private func line(_ fields: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, field) in fields.enumerated() {
            let width = widths[index]
            let text = field.count > width ? String(field.prefix(max(0, width - 1))) + "…" : field
            let pad = String(repeating: " ", count: max(0, width - text.count))
            parts.append(numeric[index] ? pad + text : text + pad)
        }
        var joined = parts.joined(separator: "  ")
        while joined.hasSuffix(" ") { joined.removeLast() }
        return joined
    }

    /// Table text of a cell: human durations, flattened line breaks, empty for null.
    public static func text(_ cell: Cell) -> String {
        switch cell {
        case .null: return ""
        case .duration(let seconds): return TimeFormat.human(seconds: seconds)
        case .text(let text):
            return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        default: return cell.plainText ?? ""
        }
    }

    /// Shrinks the widest columns until the line fits (never below the header or 8 characters).
    static func fit(_ widths: [Int], headers: [Int], into limit: Int) -> [Int] {
        var widths = widths
        let separators = 2 * max(0, widths.count - 1)
        while widths.reduce(0, +) + separators > limit {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > max(headers[widest], 8)
            else { break }
            widths[widest] -= 1
        }
        return widths
    }
}
