import Foundation
import JobStore
import Logging
import Reports
import SyncEngine
import VideoAPI
import VideoSimulator

/// The embedded demo: a simulator in this process, a batch of jobs, sync passes as cron would run them.
public struct DemoRun: Sendable {
    /// Where the history goes.
    public var databasePath: String
    /// How many jobs to create.
    public var jobs: Int
    /// Seed of the simulator (ids, outcomes, request ids).
    public var seed: UInt64
    /// Simulated minutes between two sync passes (the cron interval).
    public var minutesPerPass: Double
    /// The gateway the simulator answers as.
    public var flavor: Flavor

    public init(databasePath: String, jobs: Int = 24, seed: UInt64 = 42, minutesPerPass: Double = 1, flavor: Flavor = .openai) {
        self.databasePath = databasePath
        self.flavor = flavor
        self.jobs = jobs
        self.seed = seed
        self.minutesPerPass = minutesPerPass
    }

    /// What the demo did.
    public struct Outcome: Sendable {
        public var passes: Int
        public var simulatedMinutes: Double
        /// The simulator's clock at the end: "now" for the reports.
        public var now: Date
        public var requests: Int
        public var ids: [VideoID]
        /// The simulator's base URL (gone once the demo ends; named in the download hint).
        public var baseURL: String
    }

    /// Runs the demo; `say` gets one line per pass (plain output), `progress` the live bar.
    public func run(say: @Sendable (String) -> Void, progress: ProgressLine) async throws -> Outcome {
        let simulator = try await VideoSimulator.start(
            SimulatorConfiguration(seed: seed, speed: 0, apiKey: "sk-demo", failureRate: 0.08, flavor: flavor))
        let http = LiveHTTP(maxConnections: 8, connectTimeout: .seconds(2))
        do {
            let outcome = try await run(on: simulator, http: http, say: say, progress: progress)
            await http.shutdown()
            await simulator.stop()
            return outcome
        } catch {
            await http.shutdown()
            await simulator.stop()
            throw error
        }
    }

    private func run(on simulator: VideoSimulator, http: LiveHTTP, say: @Sendable (String) -> Void, progress: ProgressLine) async throws -> Outcome {
        let database = try JobDatabase(path: databasePath)
        let ids = try DemoBatch.entries(count: jobs).map { entry in
            try VideoID(validating: simulator.createVideo(
                prompt: entry.prompt, model: entry.model, seconds: entry.seconds, size: entry.size,
                outcome: entry.outcome, durationSeconds: entry.durationSeconds
            ).id)
        }
        // Polls are stamped with the simulator's clock, which moves a minute per pass: the snapshot times then agree
        // with the provider times it writes, as a real provider's and the host's clocks do (report phases needs both).
        let clock = APIClock(now: { simulator.now }, sleep: APIClock.live.sleep)
        _ = try database.track(ids, label: "demo", at: simulator.now)
        say("created \(ids.count) jobs on the simulator at \(simulator.baseURL.absoluteString) and tracked them in \(databasePath)")

        var logger = Logger(label: "soratrack.demo")
        logger.logLevel = .error
        let client = VideoAPIClient(
            baseURL: simulator.baseURL, apiKey: "sk-demo", transport: http.transport, clock: clock, timeout: .seconds(5),
            authHeader: flavor == .azure ? .apiKey : .bearer)
        let engine = SyncEngine(database: database, client: client, clock: clock, logger: logger)
        var passes = 0
        var requests = 0
        while passes < 240 {
            passes += 1
            let label = "pass \(passes)"
            let summary = try await engine.sync(SyncOptions(concurrency: 8, command: "demo")) { step in
                progress.update(done: step.done, total: step.total, errors: step.errors, label: label)
            }
            progress.finish()
            requests += summary.counts.attempts
            let minute = Double(passes - 1) * minutesPerPass
            say("pass \(passes) (simulated minute \(String(format: "%g", minute))): " + summary.line)
            if summary.stillOpen == 0 { break }
            simulator.advance(by: minutesPerPass * 60)
        }
        return Outcome(
            passes: passes, simulatedMinutes: Double(passes - 1) * minutesPerPass, now: simulator.now, requests: requests, ids: ids,
            baseURL: simulator.baseURL.absoluteString)
    }
}
