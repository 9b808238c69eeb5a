import Foundation

/// Conversions between `Date` and the integer times stored in the database.
public enum Timestamp {
    /// Unix milliseconds, as stored in local-time columns such as `polled_at`.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of a unix-milliseconds value.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
