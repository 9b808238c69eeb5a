import Foundation
import JobStore
import Testing
import TestSupport
import VideoAPI
import VideoSimulator

/// `metrics`, `sync --metrics-file`, `sync --ping-url` and `prune`: the real executable against the real simulator
/// and a real heartbeat listener, over sockets on 127.0.0.1.
@Suite("operations end to end", .serialized)
struct OpsTests {
    static let key = "sk-ops-\(UUID().uuidString)"

    func setUp(latency: Duration = .zero) async throws -> (VideoSimulator, CommandRunner) {
        let simulator = try await VideoSimulator.start(
            SimulatorConfiguration(seed: 11, speed: 0, apiKey: Self.key, latency: latency, failureRate: 0.25))
        let runner = CommandRunner()
        _ = FileManager.default.createFile(
            atPath: runner.path("key"), contents: Data((Self.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return (simulator, runner)
    }

    func common(_ runner: CommandRunner, _ simulator: VideoSimulator) -> [String] {
        ["--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
    }

    /// Creates `count` videos on the simulator and tracks them without polling.
    func track(_ count: Int, _ runner: CommandRunner, _ simulator: VideoSimulator, durationSeconds: Double? = nil) async throws -> [String] {
        let ids = (0..<count).map {
            simulator.createVideo(prompt: "ops \($0)", model: $0 % 2 == 0 ? "sora-2" : "sora-2-pro", durationSeconds: durationSeconds).id
        }
        let result = try await runner.run(["track", "--no-poll"] + ids + common(runner, simulator))
        #expect(result.status == 0, "\(result.stderr)")
        return ids
    }

    func parse(file path: String) throws -> (Exposition, String) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (try Exposition.parse(text), text)
    }

    @Test("sync --metrics-file writes a valid exposition with the database's numbers, also after a failed sync, and leaves no temporary file")
    func syncWritesMetrics() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        _ = try await track(8, runner, simulator)
        let folder = runner.path("textfile")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let metrics = folder + "/soratrack.prom"
        simulator.advance(by: 40)
        let sync = try await runner.run(["sync", "--metrics-file", metrics] + common(runner, simulator))
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stderr.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["soratrack.prom"])
        #expect((try FileManager.default.attributesOfItem(atPath: metrics)[.posixPermissions] as? Int) == 0o644)

        let (parsed, text) = try parse(file: metrics)
        let db = try TestBackend.open(runner.path("jobs.sqlite"))
        for phase in Phase.allCases {
            #expect(parsed.value("soratrack_jobs", ["phase": phase.rawValue]) == Double(try db.jobs().filter { $0.phase == phase }.count))
        }
        #expect(parsed.value("soratrack_snapshots") == Double(try db.counts().snapshots))
        #expect(parsed.value("soratrack_polls_total") == 8)
        #expect(parsed.value("soratrack_last_sync_exit_code") == 0)
        let end = try #require(parsed.value("soratrack_last_sync_end_timestamp_seconds"))
        let start = try #require(parsed.value("soratrack_last_sync_start_timestamp_seconds"))
        #expect(parsed.value("soratrack_last_sync_success_timestamp_seconds") == end)
        #expect(start <= end && abs(end - Date().timeIntervalSince1970) < 120)
        #expect(parsed.value("soratrack_last_sync_duration_seconds") == ((end - start) * 1000).rounded() / 1000)
        #expect(parsed.samples("soratrack_last_sync_poll_errors").isEmpty)
        if Promtool.isInstalled {
            let check = try Promtool.checkMetrics(text)
            #expect(check.status == 0 && check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(check.output)")
        }

        // A job the API does not know: 404, exit 1. The file is still written, with the failure in it.
        #expect(try await runner.run(["track", "--no-poll", "video_unknown_to_the_api"] + common(runner, simulator)).status == 0)
        let failed = try await runner.run(["sync", "--metrics-file", metrics] + common(runner, simulator))
        #expect(failed.status == 1, "\(failed.stderr)")
        let (afterFailure, _) = try parse(file: metrics)
        #expect(afterFailure.value("soratrack_last_sync_exit_code") == 1)
        #expect(afterFailure.value("soratrack_last_sync_poll_errors", ["status": "404"]) == 1)
        #expect(afterFailure.value("soratrack_last_sync_success_timestamp_seconds") == end)  // the newest exit 0 is the first run
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["soratrack.prom"])
        await simulator.stop()
    }

    @Test("metrics --output and stdout give the same exposition; no database is exit 74, an impossible output 73")
    func metricsCommand() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        _ = try await track(6, runner, simulator)
        simulator.advance(by: 3600)
        #expect(try await runner.run(["sync"] + common(runner, simulator)).status == 0)
        let pinned = ["--now", String(Int(Date().timeIntervalSince1970) + 60), "--window", "1h", "--db", runner.path("jobs.sqlite")]
        let written = try await runner.run(["metrics", "--output", runner.path("m.prom")] + pinned)
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let printed = try await runner.run(["metrics"] + pinned)
        #expect(printed.status == 0, "\(printed.stderr)")
        let (parsed, text) = try parse(file: runner.path("m.prom"))
        func withoutSize(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("soratrack_database_size_bytes ") } }
        #expect(withoutSize(text) == withoutSize(printed.stdout))
        #expect(try Exposition.parse(printed.stdout).families.count == parsed.families.count)
        let jobs = try TestBackend.open(runner.path("jobs.sqlite")).jobs()
        for model in ["sora-2", "sora-2-pro"] {
            let ofModel = jobs.filter { $0.model == model }
            let failed = ofModel.filter { $0.phase == .failed }.count, finished = ofModel.filter { $0.phase == .completed || $0.phase == .failed }.count
            #expect(parsed.value("soratrack_finished_jobs", ["model": model]) == Double(finished))
            #expect(parsed.value("soratrack_failure_ratio", ["model": model]) == (finished == 0 ? nil : Double(failed) / Double(finished)))
        }
        let pinnedNow = Int64(pinned[1])!
        let expiring = jobs.filter { $0.phase == .completed && ($0.expiresAt ?? 0) > pinnedNow && ($0.expiresAt ?? 0) <= pinnedNow + 3600 }
        #expect(parsed.value("soratrack_expiring_undownloaded_jobs") == Double(expiring.count))
        #expect(parsed.value("soratrack_expired_undownloaded_jobs") == 0)

        let missing = try await runner.run(["metrics", "--db", runner.path("none.sqlite")])
        #expect(missing.status == 74 && missing.stderr.contains("no database"))
        #expect(!FileManager.default.fileExists(atPath: runner.path("none.sqlite")))
        let impossible = try await runner.run(["metrics", "--output", runner.path("no/such/folder.prom"), "--db", runner.path("jobs.sqlite")])
        #expect(impossible.status == 73 && impossible.stderr.contains("does not exist"))
        await simulator.stop()
    }

    @Test("sync --ping-url pings URL/start once it holds the lock, then URL with the summary line; the secret never shows")
    func pingsOnSuccess() async throws {
        let (simulator, runner) = try await setUp()
        let listener = try HeartbeatListener()
        defer {
            listener.stop()
            runner.remove()
        }
        _ = try await track(3, runner, simulator)
        let sync = try await runner.run(["sync", "--verbose", "--ping-url", listener.url("/ping/secret-check-uuid")] + common(runner, simulator))
        #expect(sync.status == 0, "\(sync.stderr)")
        let pings = listener.pings
        #expect(pings.map(\.method) == ["GET", "POST"])
        #expect(pings.map(\.path) == ["/ping/secret-check-uuid/start", "/ping/secret-check-uuid"])
        #expect(pings.last?.body.hasPrefix("exit 0: ok\nsync: 3 polled") == true, "\(pings.last?.body ?? "")")
        #expect(!(sync.stdout + sync.stderr).contains("secret-check-uuid"))
        await simulator.stop()
    }

    @Test("a sync that exits 1 pings URL/start then URL/1; one that cannot start (no key, 77) pings only URL/77")
    func pingsExitCodes() async throws {
        let (simulator, runner) = try await setUp()
        let listener = try HeartbeatListener()
        defer {
            listener.stop()
            runner.remove()
        }
        #expect(try await runner.run(["track", "--no-poll", "video_unknown_to_the_api"] + common(runner, simulator)).status == 0)
        let ping = ["--ping-url", listener.url("/ping/uuid")]
        let partial = try await runner.run(["sync"] + ping + common(runner, simulator))
        #expect(partial.status == 1)
        #expect(listener.pings.map(\.path) == ["/ping/uuid/start", "/ping/uuid/1"])
        #expect(listener.pings.last?.body.hasPrefix("exit 1: some polls failed") == true)

        let noKey = try await runner.run(["sync", "--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString] + ping)
        #expect(noKey.status == 77)
        #expect(listener.pings.map(\.path).dropFirst(2) == ["/ping/uuid/77"])
        await simulator.stop()
    }

    @Test("an unreachable ping URL and an unwritable metrics file are warnings: the exit code stays, the secret is masked")
    func unreachablePingKeepsExitCode() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        _ = try await track(2, runner, simulator)
        let sync = try await runner.run(
            ["sync", "--quiet", "--ping-url", "http://127.0.0.1:1/ping/secret-check-uuid", "--metrics-file", runner.path("missing/soratrack.prom")]
                + common(runner, simulator))
        #expect(sync.status == 0, "\(sync.stderr)")
        let warnings = sync.stderr.split(separator: "\n")
        #expect(warnings.count == 3, "\(sync.stderr)")
        #expect(warnings.allSatisfy { $0.hasPrefix("soratrack: warning: ") })
        #expect(warnings.contains { $0.contains("http://127.0.0.1:1/…/start failed") })
        #expect(warnings.contains { $0.contains("http://127.0.0.1:1/… failed") })
        #expect(warnings.contains { $0.contains("metrics file") && $0.contains("not written") })
        #expect(!sync.stderr.contains("secret-check-uuid"))
        await simulator.stop()
    }

    /// How many snapshots of `timeline` (one job, oldest first) a prune at `cutoff` should remove, by the rule
    /// of docs/commands.md (prune): not the first, the last, the newest successful, a change, or one at or after
    /// the cut-off.
    static func prunable(_ timeline: [Snapshot], cutoff: Int64) -> Int {
        func signature(_ snapshot: Snapshot) -> String {
            "\(snapshot.status ?? "")|\(snapshot.httpStatus.map { $0 / 100 } ?? 0)|\(snapshot.pollError != nil)"
        }
        let newestSuccess = timeline.lastIndex { $0.status != nil }
        return timeline.indices.dropFirst().dropLast().filter {
            timeline[$0].polledAt < cutoff && $0 != newestSuccess && signature(timeline[$0]) == signature(timeline[$0 - 1])
        }.count
    }

    @Test("prune: --dry-run leaves the file byte for byte, prune removes the expected snapshots and bodies, --vacuum shrinks the file", .enabled(if: TestBackend.isSQLite, "a file and its lock"))
    func prune() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        let ids = try await track(16, runner, simulator, durationSeconds: 6000)
        for _ in 0..<10 {
            simulator.advance(by: 90)  // progress moves on each time: every poll has a body of its own
            let sync = try await runner.run(["sync"] + common(runner, simulator))
            #expect(sync.status == 0, "\(sync.stderr)")
        }
        let path = runner.path("jobs.sqlite")
        let now = Int(Date().timeIntervalSince1970) + 7200
        let cutoff = Int64(now - 3600) * 1000
        let (expected, snapshotsBefore, bodiesBefore) = try {
            let db = try TestBackend.open(path)
            let expected = try ids.reduce(0) { $0 + Self.prunable(try db.snapshots(of: VideoID(validating: $1)), cutoff: cutoff) }
            return (expected, try db.counts().snapshots, try db.counts().bodies)
        }()
        #expect(expected >= 16 * 6)
        let arguments = ["prune", "--older-than", "1h", "--now", String(now), "--db", path]

        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        let dry = try await runner.run(arguments + ["--dry-run", "--vacuum"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would remove \(expected) of \(snapshotsBefore) snapshots"), "\(dry.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == file)

        let real = try await runner.run(arguments)
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stdout.contains("removed \(expected) of \(snapshotsBefore) snapshots"), "\(real.stdout)")
        try {
            let db = try TestBackend.open(path)
            #expect(try db.counts().snapshots == snapshotsBefore - expected)
            #expect(try db.counts().bodies < bodiesBefore)
            #expect(try db.jobs().allSatisfy { $0.polls == 10 })  // every attempt still counted
        }()

        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let vacuum = try await runner.run(arguments + ["--vacuum"])
        #expect(vacuum.status == 0, "\(vacuum.stderr)")
        #expect(vacuum.stdout.contains("removed 0 of \(snapshotsBefore - expected) snapshots") && vacuum.stdout.contains("vacuum: "))
        let after = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(after < before, "\(before) → \(after)")
        await simulator.stop()
    }

    @Test("while a sync holds the lock: prune exits 75 at once; a second sync exits 75 without pinging or writing metrics", .enabled(if: TestBackend.isSQLite, "a file and its lock"))
    func pruneIsLockedOut() async throws {
        let (simulator, runner) = try await setUp(latency: .milliseconds(400))
        let listener = try HeartbeatListener()
        defer {
            listener.stop()
            runner.remove()
        }
        _ = try await track(6, runner, simulator)
        let sync = try runner.start(["sync", "--concurrency", "1"] + common(runner, simulator))
        try await waitUntil("the sync to start polling") { !simulator.responses().isEmpty }
        let prune = try await runner.run(["prune", "--older-than", "1s", "--db", runner.path("jobs.sqlite")])
        #expect(prune.status == 75)
        #expect(prune.stderr.contains("another soratrack sync") && prune.stdout.isEmpty)
        let dryRun = try await runner.run(["prune", "--older-than", "1s", "--dry-run", "--db", runner.path("jobs.sqlite")])
        #expect(dryRun.status == 75)
        let second = try await runner.run(
            ["sync", "--ping-url", listener.url("/ping/uuid"), "--metrics-file", runner.path("m.prom")] + common(runner, simulator))
        #expect(second.status == 75 && second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        #expect(listener.pings.isEmpty)  // the run holding the lock reports for itself
        #expect(!FileManager.default.fileExists(atPath: runner.path("m.prom")))
        #expect(try await sync.wait().status == 0)
        await simulator.stop()
    }

    @Test("prune refuses --older-than 0 or a negative age with exit 64", arguments: [["--older-than", "0"], ["--older-than=-1d"], ["--older-than", "0s", "--dry-run"]])
    func pruneRefusesNonsense(_ flags: [String]) async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let result = try await runner.run(["prune"] + flags + ["--db", runner.path("jobs.sqlite")])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runner.path("jobs.sqlite")))
    }
}
