import Foundation
import GRDB
import JobStore
import TestSupport
import Testing
import VideoAPI
import VideoSimulator

/// `submit`, `remix` and `discover`: the built executable against the simulator over 127.0.0.1.
@Suite("submit, remix and discover end to end", .serialized)
struct SubmitTests {
    static let key = "sk-submit-\(UUID().uuidString)"
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A simulator (virtual clock moved only by the test) and a runner whose key file holds `key`.
    struct Bench {
        let simulator: VideoSimulator
        let runner: CommandRunner

        var database: String { runner.path("jobs.sqlite") }
        var flags: [String] {
            ["--db", database, "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
        }

        func run(_ arguments: [String]) async throws -> CommandRunner.Result {
            try await runner.run(arguments + flags)
        }

        func db() throws -> any HistoryStore { try TestBackend.open(database) }

        /// The `sync_run` rows as (command, jobs, exit_code).
        func runs() throws -> [(command: String, jobs: Int, exitCode: Int32?)] {
            try TestBackend.rows(database, "SELECT command, jobs, exit_code FROM sync_run ORDER BY id").map {
                (command: $0["command"], jobs: $0["jobs"], exitCode: $0["exit_code"])
            }
        }
    }

    func withBench(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in }, _ body: (Bench) async throws -> Void
    ) async throws {
        var configuration = SimulatorConfiguration(
            seed: 5, speed: 0, apiKey: Self.key, failureRate: 0, startTime: Self.start)
        configure(&configuration)
        let simulator = try await VideoSimulator.start(configuration)
        let runner = CommandRunner()
        _ = FileManager.default.createFile(
            atPath: runner.path("key"), contents: Data((Self.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        do {
            try await body(Bench(simulator: simulator, runner: runner))
        } catch {
            await simulator.stop()
            runner.remove()
            throw error
        }
        await simulator.stop()
        runner.remove()
    }

    // MARK: submit

    @Test("submit posts the SDK's multipart form once; the job is tracked with the answer as its first snapshot")
    func submitCreates() async throws {
        try await withBench { bench in
            let result = try await bench.run(["submit", "--prompt", "A paper airplane, \"folded\"", "--model", "sora-2-pro", "--seconds", "8", "--size", "1792x1024", "--label", "launch"])
            #expect(result.status == 0, "\(result.stderr)")
            let id = result.stdout.trimmingCharacters(in: .newlines)
            #expect(result.stdout == id + "\n")
            #expect(result.stderr.hasPrefix("submitted \(id): queued (sora-2-pro 1792x1024 8s)"))

            let requests = bench.simulator.requests()
            try #require(requests.count == 1)
            #expect(requests[0].method == "POST" && requests[0].path == "/v1/videos")
            let boundary = try #require(requests[0].contentType?.split(separator: "=").last.map(String.init))
            #expect(requests[0].contentType == "multipart/form-data; boundary=\(boundary)")
            #expect(boundary.count == 32)
            let form = try #require(requests[0].form)
            #expect(form.map(\.name) == ["prompt", "model", "seconds", "size"])
            #expect(form.map(\.text) == ["A paper airplane, \"folded\"", "sora-2-pro", "8", "1792x1024"])
            #expect(form.allSatisfy { $0.filename == nil })

            let db = try bench.db()
            let job = try #require(try db.job(VideoID(validating: id)))
            #expect(job.label == "launch" && job.tracking && job.phase == .queued)
            #expect(job.model == "sora-2-pro" && job.seconds == "8" && job.size == "1792x1024")
            #expect(job.prompt == "A paper airplane, \"folded\"")
            let snapshots = try db.snapshots(of: VideoID(validating: id))
            try #require(snapshots.count == 1)
            let served = try #require(bench.simulator.responses().first)
            #expect(snapshots[0].requestID == served.requestID)
            #expect(snapshots[0].httpStatus == 200 && snapshots[0].status == "queued")
            #expect(snapshots[0].body == served.body)
            let ledger = try db.createAttempts()
            #expect(ledger.map(\.outcome) == ["created"])
            #expect(ledger.first?.videoID == id && ledger.first?.body == nil)
            let runs = try bench.runs()
            #expect(runs.map(\.command) == ["submit"] && runs.first?.exitCode == 0)
            #expect(snapshots[0].runID != nil)

            // The next sync polls it like any tracked job.
            bench.simulator.advance(by: 3600)
            let sync = try await bench.run(["sync"])
            #expect(sync.status == 0 && sync.stdout.hasPrefix("sync: 1 polled, 1 completed"), "\(sync.stdout)\(sync.stderr)")
        }
    }

    @Test("submit --input-reference sends the file as a part with its name and type, byte for byte")
    func submitWithReference() async throws {
        try await withBench { bench in
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x0D, 0x0A, 0xFF]
            try Data(png).write(to: URL(fileURLWithPath: bench.runner.path("first frame.png")))
            let result = try await bench.run(["submit", "--prompt", "From this frame", "--input-reference", bench.runner.path("first frame.png"), "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            let form = try #require(bench.simulator.requests().first?.form)
            #expect(form.map(\.name) == ["prompt", "input_reference"])
            #expect(form[1].filename == "first frame.png")
            #expect(form[1].contentType == "image/png")
            #expect(form[1].data == Data(png))
            let ledger = try bench.db().createAttempts()
            #expect(ledger.first?.inputReference == "first frame.png")
        }
    }

    @Test("an input reference that is missing or of an unknown type: one line, exit 65, nothing sent or written")
    func badReference() async throws {
        try await withBench { bench in
            try Data("text".utf8).write(to: URL(fileURLWithPath: bench.runner.path("notes.txt")))
            for file in ["missing.png", "notes.txt"] {
                let result = try await bench.run(["submit", "--prompt", "p", "--input-reference", bench.runner.path(file)])
                #expect(result.status == 65, "\(file): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1)
                #expect(result.stderr.contains("nothing was sent"))
                #expect(result.stdout.isEmpty)
            }
            #expect(bench.simulator.requests().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: bench.database))
        }
    }

    @Test("a job that comes back failed from create is recorded failed (terminal): id printed, exit 1, never polled")
    func failedAtCreate() async throws {
        try await withBench({ $0.blockedTerms = ["forbidden"] }) { bench in
            let result = try await bench.run(["submit", "--prompt", "A forbidden scene"])
            #expect(result.status == 1)
            let id = result.stdout.trimmingCharacters(in: .newlines)
            #expect(!id.isEmpty && result.stdout == id + "\n")
            #expect(result.stderr == "soratrack: \(id) came back failed at once (moderation_blocked: Your request was blocked by our moderation system.); it is recorded as failed\n")
            let db = try bench.db()
            let job = try #require(try db.job(VideoID(validating: id)))
            #expect(job.phase == .failed && job.errorCode == "moderation_blocked")
            #expect(try db.snapshots(of: VideoID(validating: id)).map(\.status) == ["failed"])
            #expect(try bench.runs().last?.exitCode == 1)
            let sync = try await bench.run(["sync"])
            #expect(sync.stdout.hasPrefix("sync: 0 polled"))
            #expect(bench.simulator.requests().count == 1)
        }
    }

    @Test("a create the provider refuses: one line with its message, exit 65, no job, the answer kept in the ledger")
    func refusedCreate() async throws {
        try await withBench { bench in
            let result = try await bench.run(["submit", "--prompt", "p", "--seconds", "7"])
            #expect(result.status == 65)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains("HTTP 400 invalid_value: Invalid value: '7'."))
            #expect(result.stderr.contains("nothing was created"))
            let db = try bench.db()
            #expect(try db.jobs().isEmpty)
            let ledger = try db.createAttempts()
            let served = try #require(bench.simulator.responses().first)
            #expect(ledger.map(\.outcome) == ["refused"])
            #expect(ledger.first?.httpStatus == 400 && ledger.first?.errorCode == "invalid_value")
            #expect(ledger.first?.requestID == served.requestID)
            #expect(ledger.first?.body == served.body)
            #expect(try bench.runs().map(\.exitCode) == [65])
        }
    }

    @Test("no answer in time: 'unknown whether created', exit 69; discover then finds the job the provider made")
    func unknownWhetherCreated() async throws {
        try await withBench({ $0.latency = .milliseconds(1500) }) { bench in
            let result = try await bench.run(["submit", "--prompt", "slow gateway", "--timeout", "300ms"])
            #expect(result.status == 69)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("soratrack: unknown whether the job was created"))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(bench.simulator.requests().count == 1)
            let ledger = try bench.db().createAttempts()
            #expect(ledger.map(\.outcome) == ["unknown"] && ledger.first?.httpStatus == nil)
            #expect(try bench.runs().map(\.exitCode) == [69])

            let made = try #require(bench.simulator.videos().first)
            let discover = try await bench.run(["discover"])
            #expect(discover.status == 0, "\(discover.stderr)")
            #expect(discover.stdout == "discover: 1 seen, 1 new (now tracked), 0 already known (1 page)\n")
            #expect(try bench.db().jobs().map(\.videoID) == [made.id])
        }
    }

    // MARK: remix

    @Test("remix creates a new job linked to its source, tracked like submit")
    func remixLinks() async throws {
        try await withBench { bench in
            let source = bench.simulator.createVideo(prompt: "source", model: "sora-2", seconds: "8", size: "1280x720", outcome: .completed, durationSeconds: 0).id
            let result = try await bench.run(["remix", source, "--prompt", "The same scene, at sunset", "--label", "v2"])
            #expect(result.status == 0, "\(result.stderr)")
            let id = result.stdout.trimmingCharacters(in: .newlines)
            #expect(result.stderr.hasPrefix("remixed \(source) into \(id): queued"))
            let request = try #require(bench.simulator.requests().first)
            #expect(request.method == "POST" && request.path == "/v1/videos/\(source)/remix")
            #expect(request.contentType == "application/json")
            #expect(request.form?.map(\.name) == ["prompt"] && request.form?.first?.text == "The same scene, at sunset")
            let db = try bench.db()
            let job = try #require(try db.job(VideoID(validating: id)))
            #expect(job.remixedFromVideoID == source && job.label == "v2" && job.seconds == "8")
            #expect(try db.snapshots(of: VideoID(validating: id)).first?.requestID == bench.simulator.responses().first?.requestID)
            #expect(try db.createAttempts().first?.sourceVideoID == source)
            #expect(try bench.runs().map(\.command) == ["remix"])

            let bad = try await bench.run(["remix", "bad id", "--prompt", "x"])
            #expect(bad.status == 65)
            #expect(bench.simulator.requests().count == 1)
        }
    }

    // MARK: discover

    @Test("discover walks every page, tracks exactly the unknown ids, and tracks nothing on a second run")
    func discoverPages() async throws {
        try await withBench { bench in
            var ids: [String] = []
            for index in 0..<230 {
                ids.append(bench.simulator.createVideo(prompt: "clip \(index)", outcome: index % 3 == 0 ? .completed : nil, durationSeconds: 0).id)
                if index % 10 == 9 { bench.simulator.advance(by: 60) }
            }
            let known = [ids[0], ids[117], ids[229]]
            #expect(try await bench.run(["track", "--no-poll"] + known).status == 0)
            let untracked = ids[50]
            #expect(try await bench.run(["track", "--no-poll", untracked]).status == 0)
            #expect(try await bench.runner.run(["untrack", untracked, "--db", bench.database]).status == 0)

            let first = try await bench.run(["discover", "--label", "found"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "discover: 230 seen, 226 new (now tracked), 4 already known (3 pages)\n")

            let lists = bench.simulator.requests().filter { $0.path == "/v1/videos" }
            #expect(lists.count == 3)
            let pages = bench.simulator.responses().filter { $0.path == "/v1/videos" }
            let lastIDs = pages.map { page in
                ((try? JSONSerialization.jsonObject(with: page.body)) as? [String: Any])?["last_id"] as? String ?? ""
            }
            #expect(lists.map(\.query) == ["limit=100&order=desc", "limit=100&after=\(lastIDs[0])&order=desc", "limit=100&after=\(lastIDs[1])&order=desc"])

            let db = try bench.db()
            let jobs = try db.jobs()
            #expect(Set(jobs.map(\.videoID)) == Set(ids))
            let found = jobs.filter { $0.label == "found" }
            #expect(Set(found.map(\.videoID)) == Set(ids).subtracting(known + [untracked]))
            #expect(try #require(try db.job(VideoID(validating: untracked))).tracking == false)
            for job in found { #expect(job.polls == 1) }
            // Each new job's first snapshot is its list item, with the request id of its page.
            let pageRequestIDs = Set(pages.map(\.requestID))
            for id in [ids[1], ids[100], ids[228]] {
                let snapshots = try db.snapshots(of: VideoID(validating: id))
                try #require(snapshots.count == 1)
                let requestID = try #require(snapshots[0].requestID)
                #expect(pageRequestIDs.contains(requestID))
                let body = try #require(snapshots[0].body)
                let item = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                #expect(item["id"] as? String == id)
            }
            #expect(try #require(try db.job(VideoID(validating: ids[3]))).phase == .completed)
            let snapshotsAfterFirst = try db.counts().snapshots

            let second = try await bench.run(["discover"])
            #expect(second.status == 0)
            #expect(second.stdout == "discover: 230 seen, 0 new (now tracked), 230 already known (3 pages)\n")
            #expect(try db.counts().snapshots == snapshotsAfterFirst)
            #expect(try bench.runs().filter { $0.command == "discover" }.map(\.jobs) == [226, 0])
        }
    }

    @Test("--limit caps the ids examined; --since stops at the first older video without reading further pages")
    func discoverLimitAndSince() async throws {
        try await withBench { bench in
            var old: [String] = []
            for index in 0..<150 { old.append(bench.simulator.createVideo(prompt: "old \(index)").id) }
            bench.simulator.advance(by: 3 * 3600)
            let cutoff = bench.simulator.now
            var recent: [String] = []
            for index in 0..<20 { recent.append(bench.simulator.createVideo(prompt: "new \(index)").id) }

            let since = try await bench.run(["discover", "--since", String(Int(cutoff.timeIntervalSince1970))])
            #expect(since.status == 0, "\(since.stderr)")
            #expect(since.stdout == "discover: 20 seen, 20 new (now tracked), 0 already known (1 page, stopped at --since)\n")
            #expect(bench.simulator.requests().filter { $0.path == "/v1/videos" }.count == 1)
            #expect(Set(try bench.db().jobs().map(\.videoID)) == Set(recent))

            let limited = try await bench.run(["discover", "--limit", "130"])
            #expect(limited.status == 0, "\(limited.stderr)")
            #expect(limited.stdout == "discover: 130 seen, 110 new (now tracked), 20 already known (2 pages)\n")
            let lists = bench.simulator.requests().filter { $0.path == "/v1/videos" }.dropFirst()
            #expect(lists.first?.query == "limit=100&order=desc")
            #expect(lists.last?.query?.hasPrefix("limit=30&after=") == true && lists.last?.query?.hasSuffix("&order=desc") == true)
            #expect(lists.count == 2)
            #expect(try bench.db().jobs().count == 130)

            let age = try await bench.run(["discover", "--since", "1h"])
            #expect(age.status == 0)
        }
    }

    @Test("a provider that does not support listing: one line, exit 69, nothing tracked", arguments: [ListingSupport.notFound, .methodNotAllowed, .html])
    func listingRefused(_ listing: ListingSupport) async throws {
        try await withBench({ $0.listing = listing }) { bench in
            bench.simulator.createVideo(prompt: "exists")
            let result = try await bench.run(["discover"])
            #expect(result.status == 69)
            #expect(result.stdout.isEmpty)
            let status = listing == .notFound ? 404 : listing == .methodNotAllowed ? 405 : 200
            #expect(result.stderr.hasPrefix("soratrack: this provider does not support listing videos (HTTP \(status)"))
            #expect(result.stderr.hasSuffix("): track ids by hand or use submit\n"))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(bench.simulator.requests().count == 1)
            #expect(try bench.db().jobs().isEmpty)
            #expect(try bench.runs().map(\.exitCode) == [69])
        }
    }

    @Test("a rejected key: exit 77 for submit, remix and discover, after one request each")
    func rejectedKey() async throws {
        try await withBench({ $0.apiKey = "sk-another" }) { bench in
            for arguments in [["submit", "--prompt", "p"], ["remix", "video_x", "--prompt", "p"], ["discover"]] {
                let result = try await bench.run(arguments)
                #expect(result.status == 77, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("rejected the key"))
            }
            #expect(bench.simulator.requests().count == 3)
            #expect(try bench.runs().map(\.exitCode) == [77, 77, 77])
        }
    }

    @Test("the API key appears nowhere in the database, stdout or stderr")
    func keyNeverLeaks() async throws {
        try await withBench({ $0.blockedTerms = ["blocked"] }) { bench in
            let source = bench.simulator.createVideo(prompt: "src", outcome: .completed, durationSeconds: 0).id
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: bench.runner.path("f.png")))
            var outputs = ""
            for arguments in [
                ["submit", "--prompt", "p", "--input-reference", bench.runner.path("f.png"), "--verbose"],
                ["submit", "--prompt", "blocked", "--verbose"], ["submit", "--prompt", "p", "--size", "9x9x9"],
                ["submit", "--prompt", "p", "--seconds", "7"], ["remix", source, "--prompt", "again", "--verbose"],
                ["discover", "--verbose"],
            ] {
                let result = try await bench.run(arguments)
                outputs += result.stdout + result.stderr
            }
            var wrong = bench.runner
            wrong.environment["SORATRACK_API_KEY"] = Self.key + "-wrong"
            let rejected = try await wrong.run(["submit", "--prompt", "p", "--db", bench.database, "--base-url", bench.simulator.baseURL.absoluteString])
            #expect(rejected.status == 77)
            outputs += rejected.stdout + rejected.stderr
            #expect(!outputs.contains(Self.key))
            #expect(try TestBackend.storedBytes(bench.database).range(of: Data(Self.key.utf8)) == nil, "key in the history")
        }
    }
}
