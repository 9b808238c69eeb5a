import Foundation

/// The time formats of SPEC §5: ISO 8601 UTC with `Z`, and human durations for tables.
public enum TimeFormat {
    /// `2026-11-28T23:51:51Z`.
    public static func iso8601(seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `2026-11-28T23:51:51.123Z`.
    public static func iso8601(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let ms = milliseconds - seconds * 1000
        var text = iso8601(seconds: seconds)
        text.removeLast()
        return text + String(format: ".%03dZ", Int(ms))
    }

    /// `45s`, `1m08s`, `2h05m`, `3d04h`; negative durations get a leading `-`.
    public static func human(seconds value: Double) -> String {
        if value < 0 { return "-" + human(seconds: -value) }
        if value < 10, value != value.rounded() { return NumberFormat.decimal(value, digits: 1) + "s" }
        let total = Int64(value.rounded())
        let days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60, seconds = total % 60
        if days > 0 { return String(format: "%lldd%02lldh", days, hours) }
        if hours > 0 { return String(format: "%lldh%02lldm", hours, minutes) }
        if minutes > 0 { return String(format: "%lldm%02llds", minutes, seconds) }
        return "\(seconds)s"
    }
}
