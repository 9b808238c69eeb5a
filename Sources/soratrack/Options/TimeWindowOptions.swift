import ArgumentParser
import Foundation
import JobStore
import Reports

/// `--since`, `--until` (a window on the jobs' `created_at`) and `--now`, shared by reports, exports and `jobs`.
struct TimeWindowOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only jobs created at or after this time: ISO 8601 date or date-time (no zone means UTC), unix seconds, or an age such as 30m, 24h, 7d.",
            valueName: "time"),
        transform: TimeArgument.parse)
    var since: TimeArgument?

    @Option(name: .long, help: ArgumentHelp("Only jobs created before this time (same forms).", valueName: "time"), transform: TimeArgument.parse)
    var until: TimeArgument?

    @Option(name: .long, help: ArgumentHelp("Pin \"now\" for reproducible output (same forms; default the clock).", valueName: "time"), transform: TimeArgument.parse)
    var now: TimeArgument?

    func validate() throws {
        let (now, since, until) = resolvedDates()
        if let since, let until, since >= until {
            throw ValidationError(
                "--since (\(TimeFormat.iso8601(seconds: Int64(since.timeIntervalSince1970)))) must be before --until (\(TimeFormat.iso8601(seconds: Int64(until.timeIntervalSince1970)))); ages count back from --now (\(TimeFormat.iso8601(seconds: Int64(now.timeIntervalSince1970)))).")
        }
    }

    /// "Now" (pinned or the clock) and the window on `created_at`.
    func resolve(clock: Date = Date()) -> (now: Date, window: CreatedWindow) {
        let (now, since, until) = resolvedDates(clock: clock)
        return (now, CreatedWindow(since: since, until: until))
    }

    private func resolvedDates(clock: Date = Date()) -> (now: Date, since: Date?, until: Date?) {
        let now = self.now?.date(now: clock) ?? clock
        return (now, since?.date(now: now), until?.date(now: now))
    }
}
