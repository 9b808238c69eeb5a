import ArgumentParser
import Demo
import Foundation
import JobStore
import Reports
import VideoSimulator

/// `soratrack demo`: the whole tool on the built-in simulator, in one command.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run soratrack end to end on the built-in simulator: no API key needed.",
        discussion: """
            Starts the simulator in this process on 127.0.0.1, creates a batch of jobs (mixed models, \
            sizes and lengths, some failures, one slow job), tracks them in a temporary database (or --db), \
            runs sync passes as cron would with the simulator's clock moving one minute per pass, then \
            prints the reports, writes the HTML page (report.html beside the database) and says how to query \
            the database further.

            Example:
              soratrack demo
              soratrack demo --db demo.sqlite --jobs 50
              soratrack demo --flavor litellm

            Exit codes: 0 ok, 73/74 the database cannot be created or written.
            """)

    @Option(name: .long, help: ArgumentHelp("Keep the history in this file (default: a new temporary file).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: "How many jobs to create.")
    var jobs = 24

    @Option(name: .long, help: "Seed of the simulator (ids and outcomes).")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Answer as this gateway: openai, litellm, openrouter, together, azure or comet.")
    var flavor: Flavor = .openai

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard (1...5000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 5000") }
        if let db, DatabaseOptions.url(in: db) != nil {
            throw ValidationError(
                "demo keeps its history in an SQLite file: give --db a path (soratrack copy --from PATH --to URL moves it afterwards)")
        }
    }

    func run() async throws {
        try await ExitCodes.run {
            let path = db ?? NSTemporaryDirectory() + "soratrack-demo-\(UUID().uuidString.prefix(8))/jobs.sqlite"
            let progress = ProgressLine(enabled: !log.quiet)
            let quiet = log.quiet
            let outcome = try await DemoRun(databasePath: path, jobs: jobs, seed: seed, flavor: flavor)
                .run(say: { line in if !quiet { print(line) } }, progress: progress)
            let database = try JobDatabase(path: path)
            let style = OutputOptions.style(for: OutputSink.standardOutput())
            try DemoReports.print(database: database, now: outcome.now, baseURL: outcome.baseURL, style: style)
            let now = Int64(outcome.now.timeIntervalSince1970.rounded(.down))
            let page = URL(fileURLWithPath: path).deletingLastPathComponent().appending(path: "report.html").path
            let html = try HTMLReport(database: database, window: CreatedWindow(), now: now, title: "soratrack demo").html
            try AtomicOutputFile.write(to: page, newFileMode: 0o644) { sink in try sink.write(html) }
            print("""

                \(outcome.ids.count) jobs finished after \(outcome.passes) sync passes (\(outcome.requests) requests). \
                The history is in \(path); look further with:
                  soratrack jobs --db \(path)
                  soratrack show \(outcome.ids[0]) --db \(path)
                  soratrack report durations --by size --db \(path) --now \(now)
                  soratrack report phases --by model --db \(path) --now \(now)
                  soratrack report progress \(outcome.ids[0]) --db \(path)
                  soratrack export snapshots --db \(path) --output snapshots.csv
                  sqlite3 \(path) 'SELECT video_id, phase, polls FROM job ORDER BY polls DESC LIMIT 5'

                The page of charts (open it in a browser): \(page)
                """)
            return .ok
        }
    }
}
