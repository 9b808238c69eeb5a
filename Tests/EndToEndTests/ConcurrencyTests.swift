import Foundation
import TestSupport
import JobStore
import Synchronization
import Testing
import VideoAPI
import VideoSimulator

/// Several real `soratrack` processes on one database at once: the sync lock, readers during writes, and `watch`.
@Suite("concurrency end to end", .serialized)
struct ConcurrencyTests {
    static let key = "sk-concurrency-\(UUID().uuidString)"

    @Test("two syncs started together: one exits 75 at once, the other runs to the end", .enabled(if: TestBackend.isSQLite, "the lock file"))
    func twoSyncsAtOnce() async throws {
        let bench = try await Bench(latency: .milliseconds(250))
        defer { bench.runner.remove() }
        let ids = bench.videos(4, duration: 600)
        try await bench.track(ids)
        for round in 1...3 {
            bench.simulator.advance(by: 10)
            let started = ContinuousClock.now
            let first = try bench.runner.start(["sync", "--concurrency", "1"] + bench.flags)
            let second = try bench.runner.start(["sync", "--concurrency", "1"] + bench.flags)
            async let firstEnd = Self.finish(first, since: started)
            async let secondEnd = Self.finish(second, since: started)
            let ends = try await [firstEnd, secondEnd].sorted { $0.status > $1.status }
            let (locked, ran) = (ends[0], ends[1])
            #expect(locked.status == 75 && ran.status == 0, "round \(round): exit codes \(ends.map(\.status))")
            #expect(locked.stderr.contains("another soratrack sync"), "\(locked.stderr)")
            #expect(locked.stderr.split(separator: "\n").count == 1)
            #expect(locked.stdout.isEmpty)
            #expect(locked.elapsed < ran.elapsed, "the locked-out sync ended after the one that ran")
            #expect(ran.stdout.hasPrefix("sync: 4 polled"), "\(ran.stdout)")
        }
        try await waitForSettledSimulator(bench.simulator)
        let ledger = try Ledger(path: bench.database)
        ledger.expectConsistent("after three pairs")
        #expect(ledger.requestIDs.count == 12, "only the three syncs that ran polled")
        #expect(bench.simulator.responses().count == 12)
        await bench.simulator.stop()
    }

    @Test("jobs, show, report and export in a loop while syncs write: no failure, never \"database is locked\"", .enabled(if: TestBackend.isSQLite, "the lock file"))
    func readersWhileSyncWrites() async throws {
        let bench = try await Bench(latency: .milliseconds(30))
        defer { bench.runner.remove() }
        let ids = bench.videos(300, duration: 3600)
        try await bench.track(ids)

        let help = try await bench.runner.run(["--help"])
        let commands = Set(help.stdout.split(separator: "\n").compactMap { line in
            line.hasPrefix("  ") ? line.split(separator: " ").first.map(String.init) : nil
        })
        let database = ["--db", bench.database]
        var chosen: [[String]] = [["jobs", "--format", "csv"] + database]
        chosen.append(["show", ids[0], "--format", "csv"] + database)
        if commands.contains("report") { chosen.append(["report", "durations", "--status", "all", "--format", "csv"] + database) }
        if commands.contains("export") { chosen.append(["export", "snapshots"] + database) }

        let writing = WriterLog()
        let readers = chosen
        let writer = Task {
            while writing.state.withLock({ $0.running }) {
                bench.simulator.advance(by: 30)
                let started = ContinuousClock.now
                let result = try await bench.runner.run(["sync"] + bench.flags)
                let span = started...ContinuousClock.now
                writing.state.withLock {
                    $0.spans.append(span)
                    $0.results.append(result)
                }
            }
        }
        defer { writing.state.withLock { $0.running = false } }
        // Let the first sync start writing before the readers start.
        try await waitUntil("the first sync to poll") { !bench.simulator.responses().isEmpty }

        let runs = try await withThrowingTaskGroup(of: [ReaderRun].self) { group in
            for stream in 0..<3 {
                group.addTask {
                    var done: [ReaderRun] = []
                    for index in 0..<12 {
                        let arguments = readers[(stream + index) % readers.count]
                        let started = ContinuousClock.now
                        let result = try await bench.runner.run(arguments)
                        done.append(ReaderRun(arguments: arguments, result: result, span: started...ContinuousClock.now))
                    }
                    return done
                }
            }
            var all: [ReaderRun] = []
            for try await done in group { all += done }
            return all
        }
        writing.state.withLock { $0.running = false }
        try await writer.value

        let (spans, syncs) = writing.state.withLock { ($0.spans, $0.results) }
        #expect(runs.count == 36)
        for run in runs {
            #expect(run.result.status == 0, "\(run.arguments[0]): exit \(run.result.status): \(run.result.stderr)")
            #expect(run.result.stderr.isEmpty, "\(run.arguments[0]): \(run.result.stderr)")
            #expect(!run.result.stdout.isEmpty, "\(run.arguments[0]) printed nothing")
            if run.arguments[0] == "jobs" {
                #expect(run.result.stdout.components(separatedBy: "\r\n").count == 302, "a header and 300 rows")
            }
        }
        for sync in syncs {
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(!sync.stderr.lowercased().contains("locked"), "\(sync.stderr)")
        }
        let overlapping = runs.filter { run in spans.contains { $0.overlaps(run.span) } }.count
        #expect(overlapping >= 30, "only \(overlapping) reader runs overlapped a sync")
        #expect(syncs.count >= 1)
        print("readers: \(runs.count) runs of \(Set(runs.map { $0.arguments.prefix(2).joined(separator: " ") }).sorted()), \(overlapping) during a sync; \(syncs.count) syncs")

        try await waitForSettledSimulator(bench.simulator)
        let ledger = try Ledger(path: bench.database)
        ledger.expectConsistent("after the syncs")
        #expect(ledger.requestIDs.count == bench.simulator.responses().count)
        await bench.simulator.stop()
    }

    @Test("sync exits 75 while watch runs; SIGTERM lets watch record the polls in flight and exit 0", .enabled(if: TestBackend.isSQLite, "the lock file"))
    func watchHoldsTheLockAndStopsCleanly() async throws {
        let bench = try await Bench(latency: .milliseconds(300))
        defer { bench.runner.remove() }
        let ids = bench.videos(6, duration: 3600)
        try await bench.track(ids)
        let start = ContinuousClock.now
        let watch = try bench.runner.start(["watch", "--verbose", "--interval", "100ms", "--concurrency", "2"] + bench.flags)
        try await waitUntil("watch to record a poll") { !bench.simulator.responses().isEmpty }

        // The watch never ends by itself here (the simulator's clock stands still) and holds the lock until SIGTERM:
        // a sync that waited for the lock could only end after the signal, never before it.
        let sync = try await withDeadline(seconds: 60, try bench.runner.start(["sync"] + bench.flags))
        #expect(sync.status == 75, "\(sync.stderr)")
        #expect(sync.stderr.contains("another soratrack sync or watch"), "\(sync.stderr)")
        #expect(sync.stderr.split(separator: "\n").count == 1)
        #expect(watch.process.isRunning, "the sync ended only once the watch had let go of the lock")

        // Signal while polls are on the wire.
        try await waitUntil("a poll in flight") {
            bench.simulator.requests().contains { $0.delivery == .pending && $0.arrivedAt >= start }
        }
        let signalled = ContinuousClock.now
        let inFlight = bench.simulator.requests().filter { $0.delivery == .pending && $0.arrivedAt >= start }
        kill(watch.process.processIdentifier, SIGTERM)
        let result = try await watch.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("watch: "), "\(result.stdout)")
        try await waitForSettledSimulator(bench.simulator)

        let ledger = try Ledger(path: bench.database)
        ledger.expectConsistent("after SIGTERM")
        let logged = Ledger.loggedAsRecorded(result.stderr)
        let missing = ledger.expectOnlyInFlightMissing(
            "watch stopped by SIGTERM", requests: bench.simulator.requests(), since: start, cutoff: signalled,
            logged: Set(logged), workers: 0)
        #expect(missing.requests.isEmpty, "a stopped watch records everything it asked for")
        #expect(!inFlight.isEmpty)
        for request in inFlight {
            #expect(ledger.requestIDs[request.requestID] == 1, "\(request.requestID) was in flight at the signal and is not recorded")
            #expect(logged.contains(request.requestID))
        }
        // Once stopped, a worker may still have sent the request it was starting; none sends more than that.
        let inFlightIDs = Set(inFlight.map(\.requestID))
        let late = bench.simulator.requests().filter { $0.arrivedAt > signalled && !inFlightIDs.contains($0.requestID) }
        #expect(late.count <= 2, "watch (2 workers) sent \(late.count) requests after SIGTERM: \(late.map(\.requestID))")
        await bench.simulator.stop()
    }

    @Test("watch picks up a job that track --no-poll adds from another process, then ends when every job is done")
    func watchPicksUpNewJobs() async throws {
        let bench = try await Bench(latency: .zero)
        defer { bench.runner.remove() }
        let ids = bench.videos(3, duration: 120)
        try await bench.track(ids)
        let watch = try bench.runner.start(["watch", "--interval", "200ms"] + bench.flags)
        try await waitUntil("watch to poll the first jobs") {
            Set(bench.simulator.responses().compactMap(\.videoID)).isSuperset(of: ids)
        }

        let added = bench.videos(1, duration: 120)[0]
        // Taken before the track starts: watch may poll the new job before this test sees the track process end.
        let tracked = ContinuousClock.now
        try await bench.track([added])
        try await waitUntil("watch to poll the job tracked meanwhile") {
            bench.simulator.responses().contains { $0.videoID == added }
        }
        let pickedUp = tracked.duration(to: .now)
        // Counted in the watch's own rounds: one round may run while the track process starts, and a round that read
        // the open jobs before the track committed may still reach the simulator after it; the next one polls the new
        // job (its request may arrive after the others').
        let afterTrack = bench.simulator.requests().filter { $0.arrivedAt > tracked }
        let firstOfAdded = try #require(afterTrack.firstIndex { $0.videoID == added })
        let roundsBefore = ids.map { id in afterTrack[..<firstOfAdded].filter { $0.videoID == id }.count }
        #expect(roundsBefore.allSatisfy { $0 <= 3 }, "the new job was polled after \(roundsBefore) polls of the others")
        #expect(watch.process.isRunning, "watch ended before its jobs were done")

        bench.simulator.advance(by: 600)
        let result = try await withDeadline(seconds: 10, watch)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("watch: ") && result.stdout.contains(" 0 still open"), "\(result.stdout)")

        try await waitForSettledSimulator(bench.simulator)
        let ledger = try Ledger(path: bench.database)
        ledger.expectConsistent("after watch")
        #expect(ledger.requestIDs.count == bench.simulator.responses().count)
        let db = try TestBackend.open(bench.database)
        for id in ids + [added] {
            let job = try #require(try db.job(VideoID(validating: id)))
            let truth = try #require(bench.simulator.video(id))
            #expect(job.phase.isTerminal && job.providerStatus == truth.status, "\(id): \(job.phase), simulator \(truth.status)")
        }
        print("watch picked up a job tracked by another process after \(pickedUp)")
        await bench.simulator.stop()
    }
}

// MARK: - Helpers

extension ConcurrencyTests {
    /// A simulator whose clock only the test moves, a folder with a key file, and the flags every run takes.
    struct Bench: Sendable {
        let simulator: VideoSimulator
        let runner: CommandRunner

        init(latency: Duration) async throws {
            simulator = try await VideoSimulator.start(
                SimulatorConfiguration(seed: 41, speed: 0, apiKey: ConcurrencyTests.key, latency: latency, failureRate: 0.2))
            runner = CommandRunner()
            try #require(FileManager.default.createFile(
                atPath: runner.path("key"), contents: Data((ConcurrencyTests.key + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        }

        var database: String { runner.path("jobs.sqlite") }

        var flags: [String] {
            ["--db", database, "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
        }

        /// Creates `count` jobs that take `duration` virtual seconds.
        func videos(_ count: Int, duration: Double) -> [String] {
            (0..<count).map { simulator.createVideo(prompt: "concurrent \($0)", durationSeconds: duration).id }
        }

        /// `track --no-poll` from its own process.
        func track(_ ids: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = try await runner.run(["track", "--no-poll"] + ids + flags)
            #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// The syncs run while readers read: whether to go on, when each ran, and how each ended.
    final class WriterLog: Sendable {
        struct State {
            var running = true
            var spans: [ClosedRange<ContinuousClock.Instant>] = []
            var results: [CommandRunner.Result] = []
        }
        let state = Mutex(State())
    }

    /// One run of a reading command during the syncs.
    struct ReaderRun: Sendable {
        var arguments: [String]
        var result: CommandRunner.Result
        var span: ClosedRange<ContinuousClock.Instant>
    }

    /// A finished process with how long it ran.
    struct Ended: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var elapsed: Duration
    }

    static func finish(_ command: RunningCommand, since start: ContinuousClock.Instant) async throws -> Ended {
        let result = try await command.wait()
        return Ended(status: result.status, stdout: result.stdout, stderr: result.stderr, elapsed: start.duration(to: .now))
    }

    /// Waits for `command` to end by itself; kills it and fails after `seconds`.
    func withDeadline(seconds: Double, _ command: RunningCommand) async throws -> CommandRunner.Result {
        do {
            try await waitUntil("the process to end by itself", seconds: seconds) { !command.process.isRunning }
        } catch {
            kill(command.process.processIdentifier, SIGKILL)
            _ = try await command.wait()
            throw error
        }
        return try await command.wait()
    }
}
