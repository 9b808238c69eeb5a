/// Aligned columns for people: numbers right-aligned, durations human, rates as percentages,
/// long text shortened to fit the width.
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
            if cell.isNumeric, index < numeric.count { numeric[index] = true }
            return Self.text(cell)
        })
    }

    public func finish() throws(OutputError) {
        var widths = columns.map(Self.displayWidth)
        for row in rows {
            for (index, text) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.displayWidth(text))
            }
        }
        if let limit = style.width { widths = Self.fit(widths, headers: columns.map(Self.displayWidth), into: limit) }
        let bold = style.colour ? "\u{1B}[1m" : "", reset = style.colour ? "\u{1B}[0m" : ""
        try sink.write(bold + line(columns, widths: widths) + reset + "\n")
        for row in rows { try sink.write(line(row, widths: widths) + "\n") }
        try sink.flush()
    }

    private func line(_ fields: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, field) in fields.enumerated() where index < widths.count {
            let width = widths[index]
            let text = Self.truncate(field, to: width)
            let pad = String(repeating: " ", count: max(0, width - Self.displayWidth(text)))
            parts.append(numeric[index] ? pad + text : text + pad)
        }
        var joined = parts.joined(separator: "  ")
        while joined.hasSuffix(" ") { joined.removeLast() }
        return joined
    }

    /// Table text of a cell: human durations, percentages, control characters as spaces, empty for null.
    public static func text(_ cell: Cell) -> String {
        switch cell {
        case .null: return ""
        case .duration(let seconds): return TimeFormat.human(seconds: seconds)
        case .fraction(let value): return value.isFinite ? NumberFormat.decimal(value * 100, digits: 1) + "%" : ""
        case .boolean(let value): return value ? "yes" : "no"
        case .text(let text):
            // Line breaks, tabs and escape sequences would break the layout (or the terminal).
            return String(String.UnicodeScalarView(text.unicodeScalars.map {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? " " : $0
            }))
        default: return cell.plainText ?? ""
        }
    }

    /// Columns a terminal uses for `text`: 2 for wide (East Asian, emoji) characters, 0 for combining marks.
    static func displayWidth(_ text: String) -> Int {
        var width = 0
        for character in text { width += characterWidth(character) }
        return width
    }

    private static func characterWidth(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) {
            return 2
        }
        let value = scalar.value
        if value < 0x1100 { return 1 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` cut to at most `width` columns, ending in `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let next = characterWidth(character)
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
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
