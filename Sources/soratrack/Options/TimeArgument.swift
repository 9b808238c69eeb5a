import ArgumentParser
import Foundation
import Reports

/// A point in time: ISO 8601 date or date-time (UTC when no zone), unix seconds, or an age such as `30m`, `7d`.
struct TimeArgument: ExpressibleByArgument, Sendable {
    let value: TimeExpression

    init?(argument: String) {
        guard let value = TimeExpression(argument) else { return nil }
        self.value = value
    }

    /// Parses an option value; the error (shown by the argument parser, exit 64) lists accepted examples.
    static func parse(_ text: String) throws -> TimeArgument {
        TimeArgument(value: try TimeExpression(parsing: text))
    }

    private init(value: TimeExpression) {
        self.value = value
    }

    /// The absolute time, ages counted back from `now`.
    func date(now: Date) -> Date { value.date(now: now) }
}
