/// One typed value of an output row; each format renders it its own way (docs/reports.md, Output formats).
public enum Cell: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    /// Seconds or other decimal numbers, printed with up to 3 decimals.
    case decimal(Double)
    /// Rates and shares (fractions 0–1), printed with up to 4 decimals.
    case fraction(Double)
    /// Unix seconds, printed as ISO 8601 UTC.
    case timestamp(Int64)
    /// Unix milliseconds, printed as ISO 8601 UTC with milliseconds.
    case timestampMilliseconds(Int64)
    /// A duration in seconds: a number in CSV/JSON, `1m08s` in tables.
    case duration(Double)
    /// A yes/no value: `true`/`false` in CSV and JSON, `yes`/`no` in tables.
    case boolean(Bool)

    /// Text for CSV and tables' raw form; nil for null.
    public var plainText: String? {
        switch self {
        case .null: return nil
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .decimal(let value), .duration(let value): return NumberFormat.decimal(value, digits: 3)
        case .fraction(let value): return NumberFormat.decimal(value, digits: 4)
        case .timestamp(let seconds): return TimeFormat.iso8601(seconds: seconds)
        case .timestampMilliseconds(let ms): return TimeFormat.iso8601(milliseconds: ms)
        case .boolean(let value): return value ? "true" : "false"
        }
    }

    /// True for values that read best right-aligned in a table.
    var isNumeric: Bool {
        switch self {
        case .integer, .decimal, .fraction, .duration: return true
        default: return false
        }
    }
}

extension Cell {
    /// A text cell, or null when nil.
    public static func optional(_ text: String?) -> Cell { text.map(Cell.text) ?? .null }
    /// An integer cell, or null when nil.
    public static func optional<I: BinaryInteger>(_ value: I?) -> Cell { value.map { .integer(Int64($0)) } ?? .null }
    /// A timestamp cell (unix seconds), or null when nil.
    public static func optionalTimestamp(_ seconds: Int64?) -> Cell { seconds.map(Cell.timestamp) ?? .null }
    /// A timestamp cell (unix milliseconds), or null when nil.
    public static func optionalTimestampMilliseconds(_ milliseconds: Int64?) -> Cell {
        milliseconds.map(Cell.timestampMilliseconds) ?? .null
    }
}
