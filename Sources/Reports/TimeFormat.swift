import Foundation

/// The time formats of docs/reports.md, Output formats: ISO 8601 UTC with `Z`, and human durations for tables.
public enum TimeFormat {
    /// `2026-11-28T23:51:51Z`.
    public static func iso8601(seconds: Int64) -> String {
        let sink = OutputSink.memory()
        try? write(iso8601Seconds: seconds, to: sink)
        return sink.text
    }

    /// `2026-11-28T23:51:51.123Z`.
    public static func iso8601(milliseconds: Int64) -> String {
        let sink = OutputSink.memory()
        try? write(iso8601Milliseconds: milliseconds, to: sink)
        return sink.text
    }

    /// Appends `2026-11-28T23:51:51Z` (no `String(format:)`, no allocation).
    @inline(__always)
    static func write(iso8601Seconds seconds: Int64, to sink: OutputSink) throws(OutputError) {
        let out = try sink.reserve(32)
        var length = dateTime(seconds, into: out)
        out[length] = UInt8(ascii: "Z")
        length += 1
        sink.commit(length)
    }

    /// Appends `2026-11-28T23:51:51.123Z`.
    @inline(__always)
    static func write(iso8601Milliseconds milliseconds: Int64, to sink: OutputSink) throws(OutputError) {
        let (seconds, fraction) = floorDivide(milliseconds, 1000)
        let out = try sink.reserve(36)
        var length = dateTime(seconds, into: out)
        out[length] = UInt8(ascii: ".")
        out[length + 1] = UInt8(truncatingIfNeeded: fraction / 100) &+ 48
        out[length + 2] = UInt8(truncatingIfNeeded: fraction / 10 % 10) &+ 48
        out[length + 3] = UInt8(truncatingIfNeeded: fraction % 10) &+ 48
        out[length + 4] = UInt8(ascii: "Z")
        length += 5
        sink.commit(length)
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS` for unix `seconds` and returns its length (years outside 0–9999 get more digits or a sign).
    private static func dateTime(_ seconds: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let (days, secondOfDay) = floorDivide(seconds, 86400)
        let (year, month, day) = civilDate(days: days)
        var length: Int
        if (0...9999).contains(year) {
            put4(year, out)
            length = 4
        } else {
            length = NumberFormat.digits(of: year, into: out)
        }
        out[length] = UInt8(ascii: "-")
        put2(month, out + length + 1)
        out[length + 3] = UInt8(ascii: "-")
        put2(day, out + length + 4)
        out[length + 6] = UInt8(ascii: "T")
        put2(secondOfDay / 3600, out + length + 7)
        out[length + 9] = UInt8(ascii: ":")
        put2(secondOfDay / 60 % 60, out + length + 10)
        out[length + 12] = UInt8(ascii: ":")
        put2(secondOfDay % 60, out + length + 13)
        length += 15
        return length
    }

    /// The proleptic Gregorian date of a count of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civilDate(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inline(__always)
    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - (divisor - 1)) / divisor
        return (quotient, value - quotient * divisor)
    }

    @inline(__always)
    private static func put2(_ value: Int64, _ out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(truncatingIfNeeded: value / 10) &+ 48
        out[1] = UInt8(truncatingIfNeeded: value % 10) &+ 48
    }

    @inline(__always)
    private static func put4(_ value: Int64, _ out: UnsafeMutablePointer<UInt8>) {
        put2(value / 100, out)
        put2(value % 100, out + 2)
    }

    /// `45s`, `1m08s`, `2h05m`, `3d04h`; under 10 s with a fraction, one decimal (`2.5s`); negative durations get a leading `-`.
    public static func human(seconds value: Double) -> String {
        guard value.isFinite else { return NumberFormat.decimal(value, digits: 0) }
        if value < 0 { return "-" + human(seconds: -value) }
        if value < 10, value != value.rounded() { return NumberFormat.decimal(value, digits: 1) + "s" }
        let total = Int64(value.rounded())
        let days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60, seconds = total % 60
        if days > 0 { return "\(days)d" + twoDigits(hours) + "h" }
        if hours > 0 { return "\(hours)h" + twoDigits(minutes) + "m" }
        if minutes > 0 { return "\(minutes)m" + twoDigits(seconds) + "s" }
        return "\(seconds)s"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
