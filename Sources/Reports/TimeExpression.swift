import Foundation

/// A time given by a person: ISO 8601 date or date-time (no zone means UTC), unix seconds, or a relative age.
public enum TimeExpression: Sendable, Equatable {
    case absolute(Date)
    /// That many seconds before "now".
    case ago(Double)

    /// An example of every accepted form, for error messages.
    public static let examples = "2026-11-28, 2026-11-28T23:51:51Z, 1764373911, or an age such as 45s, 30m, 24h, 7d, 2w"

    /// Parses `text`; the error names the accepted forms with examples.
    public init(parsing text: String) throws(TimeExpressionError) {
        guard let value = TimeExpression(text) else { throw TimeExpressionError(text: text) }
        self = value
    }

    /// Parses `text`, or nil when it is none of the accepted forms.
    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let age = Self.age(text) {
            self = .ago(age)
        } else if Self.isUnixSeconds(text), let seconds = Double(text) {
            self = .absolute(Date(timeIntervalSince1970: seconds))
        } else if let date = Self.iso8601(text) {
            self = .absolute(date)
        } else {
            return nil
        }
    }

    /// The absolute time, ages counted back from `now`.
    public func date(now: Date) -> Date {
        switch self {
        case .absolute(let date): return date
        case .ago(let seconds): return now.addingTimeInterval(-seconds)
        }
    }

    /// Digits with at most one decimal point (`1764373911`, `1764373911.5`).
    private static func isUnixSeconds(_ text: String) -> Bool {
        text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && text.filter { $0 == "." }.count <= 1
            && text.first != "." && text.last != "."
    }

    private static func age(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        let text = text.lowercased()
        guard let unit = text.last, let scale = units[unit], isUnixSeconds(String(text.dropLast())),
            let value = Double(text.dropLast()), value.isFinite, value >= 0
        else { return nil }
        return value * scale
    }

    private static func iso8601(_ text: String) -> Date? {
        var text = text.replacingOccurrences(of: " ", with: "T")
        if text.count == 10 { text += "T00:00:00Z" }  // a date alone: midnight UTC
        let hasZone = text.hasSuffix("Z") || text.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil
        if !hasZone { text += "Z" }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        // Minutes without seconds: 2026-11-28T23:51Z
        if text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d(Z|[+-]\d\d:?\d\d)$"#, options: .regularExpression) != nil {
            let zoneStart = text.index(text.startIndex, offsetBy: 16)
            return iso8601(String(text[..<zoneStart]) + ":00" + String(text[zoneStart...]))
        }
        return nil
    }
}

/// A time argument that is none of the accepted forms.
public struct TimeExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was given.
    public var text: String

    /// An error for `text`.
    public init(text: String) {
        self.text = text
    }

    /// The reason, without the value (argument errors already quote it).
    public var description: String {
        "not a time: use an ISO 8601 date or date-time (2026-11-28, 2026-11-28T23:51:51Z; no zone means UTC), "
            + "unix seconds (1764373911), or an age before now (45s, 30m, 24h, 7d, 2w)"
    }
}
