import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report phases`: where the time went (queue, render, notice, download margin), from the snapshots.
struct ReportPhases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phases",
        abstract: "Queue wait, render time, notice delay and download margin per group, from every poll's snapshot.",
        discussion: """
            queue: created_at → started rendering; render: started → completed_at. A poll sees a state, not the \
            moment it changed, so the start lies between the last poll that saw the job queued (or created_at) \
            and the first that saw it running: each job counts with the midpoint of that interval, and err_mean_s \
            is its half-width on average. A job no poll saw running (never_seen_running) spans the gap up to \
            completed_at. notice: completed_at → the first poll that saw the job completed (the cost of the polling \
            interval). margin: the first successful video download → expires_at; lost counts completed jobs that \
            expired (at --now) with no download. Percentiles as in report durations; --jobs lists each job.

            Example:
              soratrack report phases --by model --since 7d

            Exit codes: 0 ok, 64 bad flags or times, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only.
            """)

    @Option(name: .long, help: "Group by none, model, size, seconds or day (UTC date of created_at).")
    var by: JobGrouping = .none

    @Flag(name: .long, help: "One row per job (queue_s, queue_err_s, render_s, render_err_s, notice_s, margin_s) instead of the statistics.")
    var jobs = false

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if by == .errorCode { throw ValidationError("report phases groups by none, model, size, seconds or day") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let (now, window) = time.resolve()
            let report = try PhaseReport(
                database: try database.openReadOnly(), by: by, window: window, now: Int64(now.timeIntervalSince1970.rounded(.down)))
            if jobs { try output.print(report.perJob) } else { try output.print(report) }
            return .ok
        }
    }
}
