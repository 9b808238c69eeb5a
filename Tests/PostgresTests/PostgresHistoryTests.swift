import Foundation
import JobStore
import Migrations
import PostgresStore
import TestSupport
import Testing
import VideoModel
import VideoSimulator

/// soratrack end to end on a real PostgreSQL server (started by `make test`, see scripts/with-postgres.sh): the same
/// history as on SQLite, reports byte for byte equal, several runners sharing the jobs, a killed runner, `copy`, and
/// the failures a user meets first (wrong password, server down, newer schema).
@Suite("PostgreSQL end to end", .serialized, .enabled(if: TestPostgres.available, "needs the server of make test"))
struct PostgresHistoryTests {
    static let key = "sk-postgres-\(UUID().uuidString)"

    /// A simulator, a folder for the processes, and a fresh PostgreSQL database.
    struct Bench: Sendable {
        let simulator: VideoSimulator
        let runner: CommandRunner
        let url: String

        init(latency: Duration = .zero, failureRate: Double = 0.15, seed: UInt64 = 7) async throws {
            simulator = try await VideoSimulator.start(
                SimulatorConfiguration(seed: seed, speed: 0, apiKey: PostgresHistoryTests.key, latency: latency, failureRate: failureRate))
            runner = CommandRunner()
            url = try TestPostgres.makeDatabase()
            try #require(FileManager.default.createFile(
                atPath: runner.path("key"), contents: Data((PostgresHistoryTests.key + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        }

        func api(_ db: String) -> [String] {
            ["--db", db, "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
        }

        /// Creates `count` videos of mixed outcomes taking up to `duration` virtual seconds.
        func videos(_ count: Int, duration: Double = 300) -> [String] {
            (0..<count).map { index in
                let outcome: SimulatedOutcome = index % 5 == 4 ? .failed(code: "moderation_blocked", message: "blocked") : .completed
                return simulator.createVideo(
                    prompt: "pg \(index)", size: index % 2 == 0 ? "720x1280" : "1280x720", outcome: outcome, durationSeconds: duration * Double(1 + index % 3) / 3).id
            }
        }

        func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandRunner.Result {
            try await runner.run(arguments)
        }

        func store() throws -> PostgresJobDatabase { try PostgresJobDatabase(url: PostgresURL(url)) }
    }

    @Test("sync on PostgreSQL: every response that reached soratrack is stored once, the password nowhere")
    func syncRecordsEveryResponseOnce() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let ids = bench.videos(12)
        let tracked = try await bench.run(["track", "--no-poll"] + ids + bench.api(bench.url))
        #expect(tracked.status == 0, "\(tracked.stderr)")
        for _ in 0..<6 {
            bench.simulator.advance(by: 60)
            let sync = try await bench.run(["sync", "--quiet"] + bench.api(bench.url))
            #expect([0, 1].contains(sync.status), "\(sync.stderr)")
        }
        let store = try bench.store()
        let recorded = try store.recordedRequestIDs()
        let served = bench.simulator.responses().filter { $0.method == "GET" }.map(\.requestID)
        #expect(recorded.values.allSatisfy { $0 == 1 }, "a response stored twice")
        #expect(Set(recorded.keys) == Set(served), "stored \(recorded.count), served \(served.count)")
        #expect(try store.jobs().count == 12)
        let dump = try TestPostgres.psql(
            bench.url, "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM sync_run) t")
        #expect(!dump.contains(TestPostgres.password))
        await bench.simulator.stop()
    }

    /// The reading commands whose output must be the same on both backends.
    static func readings(_ db: String, now: String, firstID: String) -> [[String]] {
        [
            ["jobs", "--format", "csv"], ["show", firstID, "--format", "csv"],
            ["report", "durations", "--status", "all", "--format", "csv"],
            ["report", "durations", "--by", "size", "--format", "csv"],
            ["report", "failures", "--format", "csv"], ["report", "failures", "--by", "error_code", "--format", "csv"],
            ["report", "phases", "--format", "csv", "--now", now], ["report", "phases", "--jobs", "--format", "csv", "--now", now],
            ["report", "expiring", "--within", "2h", "--include-expired", "--format", "csv", "--now", now],
            ["report", "losses", "--format", "csv", "--now", now],
            ["export", "jobs"], ["export", "snapshots"], ["export", "snapshots", "--format", "ndjson"],
        ].map { $0 + ["--db", db] }
    }

    @Test("a history copied SQLite → PostgreSQL → SQLite gives byte-identical reports and exports at every step")
    func copyRoundTripKeepsEveryReport() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let sqlite = bench.runner.path("jobs.sqlite")
        let ids = bench.videos(15)
        #expect(try await bench.run(["track", "--no-poll"] + ids + bench.api(sqlite)).status == 0)
        for _ in 0..<8 {
            bench.simulator.advance(by: 45)
            _ = try await bench.run(["sync", "--quiet", "--download-dir", bench.runner.path("videos")] + bench.api(sqlite))
        }
        let copied = try await bench.run(["copy", "--from", sqlite, "--to", bench.url])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.hasPrefix("copied "), "\(copied.stdout)")
        #expect(!copied.stdout.contains(TestPostgres.password) && copied.stdout.contains(":***@"))
        let again = try await bench.run(["copy", "--from", sqlite, "--to", bench.url])
        #expect(again.status == 0 && again.stdout.hasPrefix("copied 0 rows"), "a second copy copies nothing: \(again.stdout)")
        let back = bench.runner.path("back.sqlite")
        let returned = try await bench.run(["copy", "--from", bench.url, "--to", back])
        #expect(returned.status == 0, "\(returned.stderr)")

        let now = String(Int(bench.simulator.now.timeIntervalSince1970))
        for (original, other) in [(sqlite, bench.url), (sqlite, back)] {
            let left = Self.readings(original, now: now, firstID: ids[0])
            let right = Self.readings(other, now: now, firstID: ids[0])
            for (a, b) in zip(left, right) {
                let x = try await bench.run(a), y = try await bench.run(b)
                #expect(x.status == 0 && y.status == 0, "\(a.prefix(3)): \(x.stderr) \(y.stderr)")
                #expect(!x.stdout.isEmpty)
                #expect(x.stdout == y.stdout, "\(a.prefix(3).joined(separator: " ")) differs between SQLite and \(other == back ? "the copy back" : "PostgreSQL")")
            }
        }
        await bench.simulator.stop()
    }

    @Test("two syncs started together on one PostgreSQL split the open jobs, none polled twice in the round")
    func twoRunnersSplitTheJobs() async throws {
        // 150 ms a request: each run lasts seconds, so the two overlap even when one process starts late.
        let bench = try await Bench(latency: .milliseconds(150), failureRate: 0)
        defer { bench.runner.remove() }
        let ids = bench.videos(40, duration: 3600)
        #expect(try await bench.run(["track", "--no-poll"] + ids + bench.api(bench.url)).status == 0)
        for round in 1...2 {
            bench.simulator.advance(by: 10)
            let before = bench.simulator.responses().count
            let first = try bench.runner.start(["sync", "--concurrency", "2"] + bench.api(bench.url))
            let second = try bench.runner.start(["sync", "--concurrency", "2"] + bench.api(bench.url))
            let (a, b) = (try await first.wait(), try await second.wait())
            #expect(a.status == 0 && b.status == 0, "round \(round): \(a.stderr) \(b.stderr)")
            let polls = bench.simulator.responses().dropFirst(before).compactMap(\.videoID)
            #expect(polls.count == 40, "round \(round): \(polls.count) polls for 40 jobs")
            #expect(Set(polls).count == 40, "round \(round): a job polled twice")
            let counts = [a.stdout, b.stdout].map { Int($0.split(separator: " ").dropFirst().first ?? "") ?? -1 }
            #expect(counts.allSatisfy { $0 > 0 } && counts.reduce(0, +) == 40, "round \(round): split \(counts) (\(a.stdout) | \(b.stdout))")
        }
        await bench.simulator.stop()
    }

    @Test("a runner killed with SIGKILL leaves claims that lapse; the other runner then polls those jobs")
    func killedRunnersClaimsLapse() async throws {
        let bench = try await Bench(latency: .milliseconds(400), failureRate: 0)
        defer { bench.runner.remove() }
        let ids = bench.videos(24, duration: 3600)
        #expect(try await bench.run(["track", "--no-poll"] + ids + bench.api(bench.url)).status == 0)
        bench.simulator.advance(by: 10)
        let victim = try bench.runner.start(["sync", "--concurrency", "4", "--lease", "3s"] + bench.api(bench.url))
        let store = try bench.store()
        try await waitUntil("the first runner to claim") {
            (try TestPostgres.psql(bench.url, "SELECT count(*) FROM claim")) != "0"
        }
        let survivor = try bench.runner.start(["sync", "--concurrency", "2", "--lease", "3s"] + bench.api(bench.url))
        try await Task.sleep(for: .milliseconds(150))
        kill(victim.process.processIdentifier, SIGKILL)
        _ = try await victim.wait()
        let orphaned = Int(try TestPostgres.psql(bench.url, "SELECT count(*) FROM claim c JOIN job j ON j.id = c.job_id WHERE j.last_polled_at IS NULL OR j.last_polled_at < (SELECT min(started_at) FROM sync_run WHERE command = 'sync')")) ?? 0
        let ended = try await survivor.wait()
        #expect(ended.status == 0, "\(ended.stderr)")
        let polled = Set(try store.jobs().filter { $0.polls > 0 }.map(\.videoID))
        #expect(polled == Set(ids), "\(ids.count - polled.count) jobs left unpolled")
        for id in ids {
            let firstTries = try store.snapshots(of: VideoID(validating: id)).filter { $0.attempt == 0 }
            #expect(firstTries.count == 1, "\(id): \(firstTries.count) polls recorded")
        }
        #expect(orphaned > 0, "the killed runner held no claim on an unpolled job when it died (nothing tested)")
        #expect(try TestPostgres.psql(bench.url, "SELECT count(*) FROM claim") == "0", "the survivor left claims")
        await bench.simulator.stop()
    }

    @Test("a wrong password and an unreachable server: one line, exit 77 and 74, the password nowhere")
    func loginFailures() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let url = try TestPostgres.makeDatabase()
        let wrong = url.replacingOccurrences(of: ":\(TestPostgres.password)@", with: ":not-the-\(TestPostgres.password)@")
        for command in [["jobs"], ["sync"], ["track", "--no-poll", "video_x"]] {
            let refused = try await runner.run(command + ["--db", wrong], environment: ["SORATRACK_API_KEY": "sk-x"])
            #expect(refused.status == 77, "\(command): \(refused.status) \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("refused the login"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(TestPostgres.password) && refused.stdout.isEmpty)
        }
        // A port nothing listens on.
        let port = URLComponents(string: url)?.port ?? 5432
        let down = url.replacingOccurrences(of: ":\(port)/", with: ":1/")
        let unreachable = try await runner.run(["jobs", "--db", down])
        #expect(unreachable.status == 74, "\(unreachable.status) \(unreachable.stderr)")
        #expect(unreachable.stderr.split(separator: "\n").count == 1 && unreachable.stderr.contains("cannot reach"), "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains(TestPostgres.password))
        // The password from PGPASSWORD instead of the URL.
        let bare = url.replacingOccurrences(of: ":\(TestPostgres.password)@", with: "@")
        let viaEnvironment = try await runner.run(["track", "--no-poll", "video_env", "--db", bare], environment: ["PGPASSWORD": TestPostgres.password])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(try TestPostgres.psql(url, "SELECT count(*) FROM job") == "1")
    }

    @Test("hosts migrating one new database at once take turns; a newer schema is refused with exit 78")
    func migrationsTakeTurnsAndNewerIsRefused() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let url = try TestPostgres.makeDatabase()
        let starts = try (0..<4).map { index in try runner.start(["track", "--no-poll", "video_m\(index)", "--db", url]) }
        for start in starts {
            let result = try await start.wait()
            #expect(result.status == 0, "\(result.stderr)")
        }
        let applied = try TestPostgres.psql(url, "SELECT string_agg(identifier, ',' ORDER BY identifier) FROM soratrack_migrations")
        #expect(applied == Migrations.postgres.map(\.name).joined(separator: ","))
        #expect(try TestPostgres.psql(url, "SELECT count(*) FROM job") == "4")
        try TestPostgres.psql(url, "INSERT INTO soratrack_migrations VALUES ('9999_from_the_future', 0)")
        for command in [["jobs"], ["sync"]] {
            let refused = try await runner.run(command + ["--db", url], environment: ["SORATRACK_API_KEY": "sk-x"])
            #expect(refused.status == 78, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("newer soratrack (schema 9999"), "\(refused.stderr)")
        }
    }
}
