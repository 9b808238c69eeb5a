import ArgumentParser
import Foundation

/// The `soratrack` command: a persistent SQL history of video-generation jobs.
@main
struct Soratrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soratrack",
        abstract: "Keep a persistent SQL history (SQLite or PostgreSQL) of video-generation jobs (Sora and other /v1/videos APIs).",
        version: "0.1.0",
        subcommands: [Track.self, Untrack.self, Sync.self, Download.self, Jobs.self, Show.self, Watch.self, Report.self, Export.self, Submit.self, Remix.self, Discover.self, Simulate.self, DemoCommand.self, Metrics.self, Prune.self, Copy.self]
    )

    /// Entry point: a write past a file-size limit must fail as a database error (exit 74), not kill the process.
    static func main() async {
        signal(SIGXFSZ, SIG_IGN)
        await main(nil)
    }
}
