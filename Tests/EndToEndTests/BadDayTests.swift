import Foundation
import GRDB
import JobStore
import TestSupport
import Testing
import VideoAPI
import VideoSimulator

/// A bad day for the API, over real sockets against the built `soratrack`: refused connections, a server that never
/// answers, a failing gateway, a rejected key. Each run must stop starting requests, record what it tried, leave the
/// other jobs untouched for the next run, and say so in one line on stderr.
@Suite("a bad day end to end")
struct BadDayTests {
    static let key = "sk-badday-\(UUID().uuidString)"

    /// A folder with a key file, and the jobs a test tracks.
    struct Desk {
        let runner = CommandRunner()

        init() {
            _ = FileManager.default.createFile(
                atPath: runner.path("key"), contents: Data((BadDayTests.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }

        var database: String { runner.path("jobs.sqlite") }

        func flags(_ baseURL: String, timeout: String = "1s") -> [String] {
            ["--db", database, "--base-url", baseURL, "--api-key-file", runner.path("key"), "--timeout", timeout]
        }

        func track(_ ids: [String]) async throws {
            let result = try await runner.run(["track", "--no-poll", "--db", database] + ids)
            #expect(result.status == 0, "\(result.stderr)")
        }

        /// Each job's number of snapshots.
        func snapshotCounts(_ ids: [String]) throws -> [String: Int] {
            let db = try TestBackend.open(database)
            var counts: [String: Int] = [:]
            for id in ids { counts[id] = try db.snapshots(of: VideoID(validating: id)).count }
            return counts
        }

        /// The newest row of `sync_run`: jobs, attempts, responses, poll errors and exit code.
        func lastRun() throws -> (jobs: Int, attempts: Int, responses: Int, pollErrors: Int, exitCode: Int?) {
            let row = try #require(try TestBackend.rows(
                database, "SELECT jobs, attempts, responses, poll_errors, exit_code FROM sync_run ORDER BY id DESC LIMIT 1").first)
            return (row["jobs"], row["attempts"], row["responses"], row["poll_errors"], row["exit_code"])
        }
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    /// Checks what every stopped run must leave: each tried job failed once and is recorded, the others have no
    /// snapshot, the run's row counts them, and the line says how many were left for the next run.
    static func expectStoppedRun(
        _ desk: Desk, _ ids: [String], line: Substring, exitCode: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let counts = try desk.snapshotCounts(ids)
        let tried = counts.values.filter { $0 > 0 }.count
        let untouched = ids.count - tried
        #expect(untouched > ids.count / 2, "the run stopped early: \(tried) of \(ids.count) jobs tried", sourceLocation: sourceLocation)
        let run = try desk.lastRun()
        #expect(run.exitCode == exitCode, sourceLocation: sourceLocation)
        #expect(run.jobs == tried && run.pollErrors == tried, "\(run)", sourceLocation: sourceLocation)
        #expect(run.attempts == counts.values.reduce(0, +), "every attempt is one snapshot", sourceLocation: sourceLocation)
        #expect(line.contains("\(tried) of \(ids.count) jobs tried"), "\(line)", sourceLocation: sourceLocation)
        #expect(line.contains("\(untouched) left untouched for the next run"), "\(line)", sourceLocation: sourceLocation)
        #expect(!line.contains(BadDayTests.key), sourceLocation: sourceLocation)
    }

    @Test("connections refused: sync stops after the first round with one line and exit 69; the next run polls the rest")
    func refusedConnections() async throws {
        let desk = Desk()
        defer { desk.runner.remove() }
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(seed: 3, speed: 0, apiKey: Self.key, failureRate: 0))
        defer { Task { await simulator.stop() } }
        let ids = (0..<40).map { simulator.createVideo(prompt: "a fox \($0)", durationSeconds: 0, id: "video_refused_\($0)").id }
        try await desk.track(ids)
        let refusing = try RefusingPort.reserve()

        let sync = try await desk.runner.run(["sync", "--concurrency", "4"] + desk.flags(refusing.baseURL().absoluteString))
        #expect(sync.status == 69)
        #expect(sync.stdout.isEmpty, "\(sync.stdout)")
        let lines = Self.lines(sync.stderr)
        #expect(lines.count == 1, "one line: \(sync.stderr)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("soratrack: the API could not be reached (transport: connection refused by 127.0.0.1:\(refusing.port)); stopped after 6 failed requests in a row"), "\(line)")
        #expect(line.hasSuffix("check --base-url and the network, then run again"), "\(line)")
        try Self.expectStoppedRun(desk, ids, line: line, exitCode: 69)

        // The jobs left untouched are no errors of their own: the next run, with the API back, polls every one of them.
        let next = try await desk.runner.run(["sync", "--quiet", "--concurrency", "4"] + desk.flags(simulator.baseURL.absoluteString))
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.isEmpty && next.stderr.isEmpty, "a successful --quiet run is silent")
        #expect(try desk.snapshotCounts(ids).values.allSatisfy { $0 >= 1 })
        #expect(try TestBackend.open(desk.database).jobs().allSatisfy { $0.phase == .completed })
    }

    @Test("connections refused with --quiet: the same one line")
    func refusedConnectionsQuiet() async throws {
        let desk = Desk()
        defer { desk.runner.remove() }
        let ids = (0..<30).map { "video_quiet_\($0)" }
        try await desk.track(ids)
        let refusing = try RefusingPort.reserve()
        let sync = try await desk.runner.run(["sync", "--quiet"] + desk.flags(refusing.baseURL().absoluteString))
        #expect(sync.status == 69)
        #expect(sync.stdout.isEmpty)
        let lines = Self.lines(sync.stderr)
        #expect(lines.count == 1, "\(sync.stderr)")
        #expect(lines.first?.hasPrefix("soratrack: the API could not be reached (transport: connection refused") == true)
        try Self.expectStoppedRun(desk, ids, line: lines[0], exitCode: 69)
    }

    @Test("the API accepts and never answers: the first round times out together, one line, exit 69")
    func acceptsAndNeverAnswers() async throws {
        let desk = Desk()
        defer { desk.runner.remove() }
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(seed: 4, speed: 0, apiKey: Self.key, hang: true))
        defer { Task { await simulator.stop() } }
        let ids = (0..<40).map { "video_hang_\($0)" }
        try await desk.track(ids)

        let sync = try await desk.runner.run(["sync", "--concurrency", "8"] + desk.flags(simulator.baseURL.absoluteString))
        #expect(sync.status == 69)
        #expect(sync.stdout.isEmpty)
        let lines = Self.lines(sync.stderr)
        #expect(lines.count == 1, "\(sync.stderr)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("soratrack: the API could not be reached (transport: timed out after 1 s); stopped after 8 failed requests in a row"), "\(line)")
        try Self.expectStoppedRun(desk, ids, line: line, exitCode: 69)
        // Only the requests of the jobs tried reached the server.
        let counts = try desk.snapshotCounts(ids)
        let reached = Set(simulator.requests().compactMap(\.videoID))
        #expect(reached == Set(counts.filter { $0.value > 0 }.keys))
    }

    @Test("every answer a gateway's 502 page: one line naming the provider, exit 1, every answer recorded once")
    func failingGateway() async throws {
        try await FaultTests().withBench { bench in
            let ids = (0..<30).map { bench.video("video_502_\($0)", thereafter: .htmlError(status: 502)) }
            try await bench.track(ids)
            let sync = try await bench.runner.run(["sync", "--concurrency", "4"] + bench.flags)
            #expect(sync.status == 1)
            #expect(sync.stdout.isEmpty)
            let lines = Self.lines(sync.stderr)
            #expect(lines.count == 1, "\(sync.stderr)")
            let line = try #require(lines.first)
            #expect(line.hasPrefix("soratrack: the provider is failing (HTTP 502: HTML page instead of JSON (title: 502 Bad Gateway)); stopped after 6 failed requests in a row"), "\(line)")
            let untouched = try ids.filter { try bench.snapshots($0).isEmpty }
            #expect(untouched.count > ids.count / 2)
            #expect(untouched.allSatisfy { id in bench.retrieves(of: id).isEmpty }, "no request for the jobs left alone")
            #expect(line.contains("\(untouched.count) left untouched for the next run"))
            try await bench.expectLedger()
        }
    }

    @Test("401 with requests in flight: one line on stderr, however many answers came back")
    func rejectedKeyOneLine() async throws {
        try await FaultTests().withBench(rejectAllKeys: true, latency: .milliseconds(100)) { bench in
            let ids = (0..<12).map { bench.video("video_locked_\($0)") }
            let sync = try await bench.sync(ids, ["--concurrency", "4"])
            #expect(sync.status == 77)
            #expect(sync.stdout.isEmpty)
            let lines = Self.lines(sync.stderr)
            #expect(lines.count == 1, "\(sync.stderr)")
            #expect(lines.first?.hasPrefix("soratrack: the API rejected the key (HTTP 401 invalid_api_key: Incorrect API key") == true)
            #expect(lines.first?.contains("left untouched for the next run") == true)
            #expect(!sync.stderr.contains(FaultTests.Bench.key))
            try await bench.expectLedger()
        }
    }

    @Test("some jobs fail after their retries: one summary line on stderr and none on stdout; --verbose adds each job")
    func partialFailureOneLine() async throws {
        try await FaultTests().withBench { bench in
            let failing = bench.video("video_still_500", thereafter: .serverError(status: 500, envelope: .openAI))
            let fine = (0..<3).map { bench.video("video_fine_\($0)") }
            try await bench.track([failing] + fine)
            let sync = try await bench.runner.run(["sync"] + bench.flags)
            #expect(sync.status == 1)
            #expect(sync.stdout.isEmpty, "\(sync.stdout)")
            let lines = Self.lines(sync.stderr)
            #expect(lines.count == 1, "\(sync.stderr)")
            let line = try #require(lines.first)
            #expect(line.hasPrefix("soratrack: sync: 4 polled, 3 completed, 0 failed, 1 still open, 1 errors ("), "\(line)")
            #expect(line.contains("1 job failed after their retries (first: HTTP 500: The server had an error"), "\(line)")
            #expect(try bench.snapshots(failing).map(\.httpStatus) == [500, 500, 500])

            let verbose = try await bench.runner.run(["sync", "--verbose"] + bench.flags)
            #expect(verbose.status == 1)
            #expect(verbose.stderr.contains("video_still_500: HTTP 500: The server had an error"), "\(verbose.stderr)")
            #expect(Self.lines(verbose.stderr).last?.hasPrefix("soratrack: sync: 1 polled, 0 completed") == true)
            try await bench.expectLedger()
        }
    }

    // MARK: Rate limits

    /// A simulator with a token bucket of `burst` requests refilled at `rpm` per minute of real time, `count` videos
    /// that complete at once, tracked in a fresh folder.
    func rateLimitedBench(rpm: Int, burst: Int, count: Int) async throws -> (VideoSimulator, Desk, [String]) {
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(
            seed: 8, speed: 0, apiKey: Self.key, failureRate: 0, rateLimitRPM: rpm, rateLimitBurst: burst))
        let desk = Desk()
        let ids = (0..<count).map { simulator.createVideo(prompt: "a kite \($0)", durationSeconds: 0, id: "video_kite_\($0)").id }
        try await desk.track(ids)
        return (simulator, desk, ids)
    }

    /// Every API answer the simulator logged, and those that were 429.
    static func answers(_ simulator: VideoSimulator) -> (all: [LoggedRequest], limited: [LoggedRequest]) {
        let all = simulator.requests().filter { $0.videoID != nil && $0.method == "GET" }
        return (all, all.filter { $0.status == 429 })
    }

    @Test("the API's rate limit: learnt from x-ratelimit-*, only the first round meets a 429, every job polled, exit 0")
    func learnsTheRateLimit() async throws {
        let (simulator, desk, ids) = try await rateLimitedBench(rpm: 120, burst: 2, count: 10)
        defer { desk.runner.remove() }
        let sync = try await desk.runner.run(["sync", "--concurrency", "4"] + desk.flags(simulator.baseURL.absoluteString, timeout: "5s"))
        try await waitUntil("every answer written") { simulator.pendingRequests == 0 }
        await simulator.stop()
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.isEmpty)
        let (all, limited) = Self.answers(simulator)
        // The first request goes alone, and what its answer says about the budget paces the others: only the first
        // round (the first request, or on a loaded machine the few that went before its answer) can be refused.
        #expect(limited.allSatisfy { $0.sequence < 4 }, "\(limited.map(\.sequence))")
        #expect(sync.stdout.contains("10 polled, 10 completed"), "\(sync.stdout)")
        if !limited.isEmpty { #expect(sync.stdout.contains("\(limited.count) rate-limited")) }
        let counts = try desk.snapshotCounts(ids)
        #expect(counts.values.reduce(0, +) == all.count, "every answer is one snapshot")
        #expect(try TestBackend.open(desk.database).recordedRequestIDs().count == all.count)
    }

    @Test("--max-duration under a rate limit: the jobs not reached stay open for the next run, are no errors, exit 0")
    func maxDurationUnderRateLimit() async throws {
        let (simulator, desk, ids) = try await rateLimitedBench(rpm: 60, burst: 4, count: 16)
        defer { desk.runner.remove() }
        let flags = desk.flags(simulator.baseURL.absoluteString, timeout: "5s")
        var runs = 0
        var seen = 0
        // Each run starts with the budget the one before left; none of them is an error.
        while try desk.snapshotCounts(ids).values.contains(0) && runs < 12 {
            runs += 1
            let sync = try await desk.runner.run(["sync", "--concurrency", "4", "--max-duration", "2s"] + flags)
            try await waitUntil("every answer written") { simulator.pendingRequests == 0 }
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stderr.isEmpty)
            let untouched = try desk.snapshotCounts(ids).values.filter { $0 == 0 }.count
            if untouched > 0 {
                #expect(sync.stdout.contains(" 0 errors, ") && sync.stdout.contains(" left for the next run"), "\(sync.stdout)")
            }
            let run = try desk.lastRun()
            #expect(run.exitCode == 0 && run.pollErrors == 0)
            // Only the run's first round, sent before anything was known, can meet an empty bucket.
            let answers = Self.answers(simulator).all
            let limited = answers.dropFirst(seen).filter { $0.status == 429 }
            #expect(limited.allSatisfy { $0.sequence < seen + 4 }, "run \(runs): \(limited.map(\.sequence)) after \(seen)")
            seen = answers.count
        }
        await simulator.stop()
        #expect(runs > 1, "the first run left jobs for the next")
        #expect(try desk.snapshotCounts(ids).values.allSatisfy { $0 >= 1 }, "the runs after it polled them")
        #expect(try desk.snapshotCounts(ids).values.reduce(0, +) == seen, "every answer is one snapshot")
    }

    @Test("SORATRACK_MAX_RPM paces a run against an API that sends no rate headers")
    func maxRPMFromTheEnvironment() async throws {
        let desk = Desk()
        defer { desk.runner.remove() }
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(seed: 9, speed: 0, apiKey: Self.key, failureRate: 0))
        let ids = (0..<6).map { simulator.createVideo(prompt: "a boat \($0)", durationSeconds: 0, id: "video_boat_\($0)").id }
        try await desk.track(ids)
        let sync = try await desk.runner.run(
            ["sync", "--concurrency", "4"] + desk.flags(simulator.baseURL.absoluteString), environment: ["SORATRACK_MAX_RPM": "300"])
        await simulator.stop()
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(Self.answers(simulator).all.count == 6)
        // 300 a minute is one every 0.2 s: the six requests left soratrack (each snapshot's polled_at is when its
        // request started) at least 0.2 s apart, 1 s from first to last; a loaded network may shift their arrivals.
        let started: [Int64] = try TestBackend.rows(desk.database, "SELECT polled_at FROM snapshot ORDER BY polled_at").map { $0[0] }
        try #require(started.count == 6)
        let gaps = zip(started.dropFirst(), started).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 190 }, "\(gaps) ms between requests")

        let bad = try await desk.runner.run(
            ["sync"] + desk.flags(simulator.baseURL.absoluteString), environment: ["SORATRACK_MAX_RPM": "fast"])
        #expect(bad.status == 78)
        #expect(bad.stderr.hasPrefix("soratrack: SORATRACK_MAX_RPM is \"fast\""), "\(bad.stderr)")
    }

    @Test("watch shares the limiter: against the API's rate limit it polls every job to the end, exit 0")
    func watchUnderRateLimit() async throws {
        let (simulator, desk, ids) = try await rateLimitedBench(rpm: 120, burst: 2, count: 6)
        defer { desk.runner.remove() }
        let watch = try await desk.runner.run(["watch", "--concurrency", "4", "--interval", "1s"] + desk.flags(simulator.baseURL.absoluteString, timeout: "5s"))
        try await waitUntil("every answer written") { simulator.pendingRequests == 0 }
        await simulator.stop()
        #expect(watch.status == 0, "\(watch.stderr)")
        #expect(watch.stdout.contains("0 still open"), "\(watch.stdout)")
        let (all, limited) = Self.answers(simulator)
        #expect(limited.allSatisfy { $0.sequence < 4 }, "only the first round can meet a 429: \(limited.map(\.sequence))")
        #expect(try desk.snapshotCounts(ids).values.reduce(0, +) == all.count)
    }

    @Test("--connect-timeout must be more than 0")
    func connectTimeoutValidated() async throws {
        let desk = Desk()
        defer { desk.runner.remove() }
        let sync = try await desk.runner.run(["sync", "--connect-timeout", "0"] + desk.flags("http://127.0.0.1:9/v1"))
        #expect(sync.status == 64)
        #expect(sync.stderr.contains("--connect-timeout must be more than 0"))
    }
}
