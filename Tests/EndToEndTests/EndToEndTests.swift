import Foundation
import TestSupport
import JobStore
import Testing
import VideoAPI
import VideoSimulator

/// The real executable against the real simulator over sockets, in a temporary folder.
@Suite("soratrack end to end", .serialized)
struct EndToEndTests {
    static let key = "sk-e2e-\(UUID().uuidString)"

    /// Starts a simulator (virtual clock stepped by the test) and a runner whose key file holds `key`.
    func setUp(apiKey: String? = EndToEndTests.key, latency: Duration = .zero) async throws -> (VideoSimulator, CommandRunner) {
        let simulator = try await VideoSimulator.start(
            SimulatorConfiguration(seed: 7, speed: 0, apiKey: apiKey, latency: latency, failureRate: 0.25))
        let runner = CommandRunner()
        let keyPath = runner.path("key")
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data((Self.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return (simulator, runner)
    }

    func common(_ runner: CommandRunner, _ simulator: VideoSimulator) -> [String] {
        ["--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
    }

    @Test("track, then sync until all finish: one snapshot per response the server sent, final states equal the server's")
    func trackAndSyncToTheEnd() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        let ids = (0..<12).map { index in
            simulator.createVideo(prompt: "clip \(index), with \"quotes\"", model: index % 3 == 0 ? "sora-2-pro" : "sora-2", seconds: index % 2 == 0 ? "4" : "8").id
        }
        let track = try await runner.run(["track"] + ids + ["--label", "e2e"] + common(runner, simulator))
        #expect(track.status == 0, "\(track.stderr)")
        #expect(track.stdout.contains("tracking 12 new"))

        var rounds = 0
        while true {
            simulator.advance(by: 45)
            let sync = try await runner.run(["sync", "--concurrency", "4"] + common(runner, simulator))
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stdout.hasPrefix("sync: ") && sync.stdout.split(separator: "\n").count == 1)
            rounds += 1
            if sync.stdout.contains(" 0 still open") || rounds > 40 { break }
        }
        #expect(rounds > 2 && rounds <= 40)

        let db = try TestBackend.open(runner.path("jobs.sqlite"))
        let served = simulator.responses().filter { $0.method == "GET" && $0.videoID != nil }
        let recorded = try db.recordedRequestIDs()
        #expect(recorded.count == served.count)
        #expect(Set(recorded.keys) == Set(served.map(\.requestID)))
        #expect(recorded.values.allSatisfy { $0 == 1 })

        for id in ids {
            let job = try #require(try db.job(VideoID(validating: id)))
            let truth = try #require(simulator.video(id))
            #expect(job.providerStatus == truth.status)
            #expect(job.label == "e2e")
            #expect(job.completedAt == truth.completedAt.map { Int64($0.timeIntervalSince1970) })
            #expect(job.expiresAt == truth.expiresAt.map { Int64($0.timeIntervalSince1970) })
            #expect(job.errorCode == truth.errorCode)
            #expect(job.prompt == truth.prompt)
        }
        #expect(try db.jobs().contains { $0.phase == .failed })
        #expect(try db.jobs().contains { $0.phase == .completed })

        let jobs = try await runner.run(["jobs", "--format", "json"] + ["--db", runner.path("jobs.sqlite")])
        #expect(jobs.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(jobs.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 12)
        let show = try await runner.run(["show", ids[0], "--format", "csv", "--db", runner.path("jobs.sqlite")])
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("video_id,polled_at,http_status,status,progress,error_code,error_message,completed_at,expires_at,request_id,poll_error\r\n"))
        await simulator.stop()
    }

    @Test("a second sync while one runs exits 75 at once", .enabled(if: TestBackend.isSQLite, "the lock file"))
    func secondSyncIsLockedOut() async throws {
        let (simulator, runner) = try await setUp(latency: .milliseconds(400))
        defer { runner.remove() }
        let ids = (0..<6).map { simulator.createVideo(prompt: "slow \($0)").id }
        #expect(try await runner.run(["track", "--no-poll"] + ids + common(runner, simulator)).status == 0)
        let first = try runner.start(["sync", "--concurrency", "1"] + common(runner, simulator))
        try await waitUntil("the first sync to start polling") { !simulator.responses().isEmpty }
        // The first sync is frozen while the second runs: it cannot let go of the lock, so a second sync that
        // waited for the lock would never end, and one that ends must have given up at once.
        kill(first.process.processIdentifier, SIGSTOP)
        let second = try runner.start(["sync"] + common(runner, simulator))
        var secondEnded = false
        do {
            try await waitUntil("the second sync to end while the first is frozen", seconds: 60) { !second.process.isRunning }
            secondEnded = true
        } catch {
            kill(second.process.processIdentifier, SIGKILL)
        }
        kill(first.process.processIdentifier, SIGCONT)
        let secondResult = try await second.wait()
        #expect(secondEnded, "the second sync waited for the lock")
        #expect(secondResult.status == 75)
        #expect(secondResult.stderr.contains("another soratrack sync"))
        #expect(try await first.wait().status == 0)
        await simulator.stop()
    }

    @Test("a rejected key exits 77 after one request and says what to do")
    func unauthorized() async throws {
        let (simulator, runner) = try await setUp(apiKey: "sk-the-right-one")
        defer { runner.remove() }
        let ids = (0..<10).map { simulator.createVideo(prompt: "p\($0)").id }
        #expect(try await runner.run(["track", "--no-poll"] + ids + common(runner, simulator)).status == 0)
        let sync = try await runner.run(["sync", "--concurrency", "1"] + common(runner, simulator))
        #expect(sync.status == 77)
        #expect(sync.stderr.contains("rejected the key"))
        #expect(simulator.responses().count == 1)
        let db = try TestBackend.open(runner.path("jobs.sqlite"))
        #expect(try db.counts().snapshots == 1)
        await simulator.stop()
    }

    @Test("an invalid batch exits 65, names every bad line and changes nothing")
    func invalidBatch() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        #expect(try await runner.run(["track", "--no-poll", "video_keep"] + common(runner, simulator)).status == 0)
        let input = "video_new_1\nvidéo_slash\n# comment\nvideo new 2\n{\"id\":\"..\"}\n"
        let track = try await runner.run(["track", "--from", "-", "video_new_0"] + common(runner, simulator), stdin: input)
        #expect(track.status == 65)
        #expect(track.stderr.contains("stdin line 2") && track.stderr.contains("stdin line 4") && track.stderr.contains("stdin line 5"))
        let db = try TestBackend.open(runner.path("jobs.sqlite"))
        #expect(try db.jobs().map(\.videoID) == ["video_keep"])
        #expect(simulator.responses().isEmpty)
        await simulator.stop()
    }

    @Test("a garbage database file exits 74 and is left unchanged", .enabled(if: TestBackend.isSQLite, "a file"))
    func garbageDatabase() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: runner.path("jobs.sqlite")))
        let database = ["--db", runner.path("jobs.sqlite")]
        for command in [["sync"] + common(runner, simulator), ["jobs"] + database, ["track", "video_x"] + common(runner, simulator)] {
            let result = try await runner.run(command)
            #expect(result.status == 74, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("not a soratrack database"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: runner.path("jobs.sqlite"))) == garbage)
        await simulator.stop()
    }

    @Test("no API key: exit 77 with a hint, before anything is written")
    func missingKey() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        let result = try await runner.run(["sync", "--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString])
        #expect(result.status == 77)
        #expect(result.stderr.contains("--api-key-file"))
        #expect(!FileManager.default.fileExists(atPath: runner.path("jobs.sqlite")))
        await simulator.stop()
    }

    @Test("the API key never appears in the database, stdout or stderr")
    func keyNeverLeaks() async throws {
        let (simulator, runner) = try await setUp()
        defer { runner.remove() }
        let ids = (0..<4).map { simulator.createVideo(prompt: "k\($0)").id }
        var outputs = ""
        for arguments in [["track", "--verbose"] + ids, ["sync", "--verbose"], ["sync", "--verbose", "--base-url", "http://127.0.0.1:1/v1"]] {
            let result = try await runner.run(arguments + common(runner, simulator))
            outputs += result.stdout + result.stderr
        }
        var wrongKey = runner
        wrongKey.environment["SORATRACK_API_KEY"] = Self.key + "-wrong"
        let rejected = try await wrongKey.run(["sync", "--verbose", "--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString])
        #expect(rejected.status == 77)
        outputs += rejected.stdout + rejected.stderr
        for arguments in [["jobs", "--format", "json"], ["show", ids[0], "--format", "json"]] {
            let result = try await runner.run(arguments + ["--db", runner.path("jobs.sqlite")])
            outputs += result.stdout + result.stderr
        }
        #expect(!outputs.contains(Self.key))
        #expect(try TestBackend.storedBytes(runner.path("jobs.sqlite")).range(of: Data(Self.key.utf8)) == nil, "key in the history")
        await simulator.stop()
    }

    @Test(
        "demo runs the whole tool on the simulator: every job finishes, the three reports print, exit 0",
        .enabled(if: TestBackend.isSQLite, "the demo's history is an SQLite file"))
    func demo() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let result = try await runner.run(["demo", "--db", runner.path("demo.sqlite")])
        #expect(result.status == 0, "\(result.stderr)")
        for title in ["report durations", "report failures", "report expiring", "still open"] {
            #expect(result.stdout.contains(title), "missing \(title)")
        }
        let db = try TestBackend.open(runner.path("demo.sqlite"))
        let jobs = try db.jobs()
        #expect(jobs.count == 24)
        #expect(jobs.allSatisfy { $0.phase == .completed || $0.phase == .failed })
        #expect(jobs.contains { $0.errorCode == "moderation_blocked" })
    }
}
