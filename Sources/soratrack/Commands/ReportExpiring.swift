import ArgumentParser
import Foundation
import JobStore
import Reports

/// `soratrack report expiring`: completed videos whose download links expire soon.
struct ReportExpiring: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiring",
        abstract: "Completed jobs whose videos expire within the window, soonest first.",
        discussion: """
            Lists completed jobs with now < expires_at ≤ now + --within (download links live about an hour). \
            expires_in_s is negative for links already expired (--include-expired). Tables show the time \
            left, such as 12m30s, and end with how to download.

            Example:
              soratrack report expiring --within 30m --format csv

            Exit codes: 0 ok, 64 bad flags or times, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Option(name: .long, help: ArgumentHelp("How far ahead to look, e.g. 30m, 2h.", valueName: "duration"))
    var within = HumanDuration(.seconds(3600), text: "1h")

    @Flag(name: .long, help: "Also list jobs whose links have already expired.")
    var includeExpired = false

    @OptionGroup var time: TimeWindowOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await ExitCodes.run {
            let (now, window) = time.resolve()
            let report = try ExpiringReport(
                database: try database.openReadOnly(), now: Int64(now.timeIntervalSince1970.rounded(.down)),
                within: within.duration.components.seconds, includeExpired: includeExpired, window: window,
                baseURL: Self.baseURL)
            try output.print(report)
            return .ok
        }
    }

    /// The base URL the download hint names (environment, else the default; this command sends no request).
    static var baseURL: String {
        let environment = ProcessInfo.processInfo.environment
        return [environment["SORATRACK_BASE_URL"], environment["COMETAPI_BASE_URL"]].compactMap { $0 }
            .first { !$0.isEmpty } ?? APIOptions.defaultBaseURL
    }
}
