import Foundation
import GRDB
import JobStore
import TestSupport
import Testing
import VideoAPI
import VideoSimulator

/// The built executable against each gateway flavour of the simulator over 127.0.0.1: submit, track, sync to the
/// end, download, reports, 404 × 3, a wrapped error code, and the create ledger written before the request.
@Suite("gateway flavours end to end", .serialized)
struct GatewayFlavorTests {
    static let key = "sk-gateway-\(UUID().uuidString)"
    /// Now, so that the links of videos finished on the simulator's clock have not expired on the real one.
    static var start: Date { Date() }

    struct Bench {
        let simulator: VideoSimulator
        let runner: CommandRunner
        let flavor: Flavor

        var database: String { runner.path("jobs.sqlite") }
        var flags: [String] {
            ["--db", database, "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
                + (flavor == .azure ? ["--auth-header", "api-key"] : [])
        }

        func run(_ arguments: [String]) async throws -> CommandRunner.Result {
            try await runner.run(arguments + flags)
        }

        func rows(_ sql: String) throws -> [TestRow] { try TestBackend.rows(database, sql) }
    }

    func withBench(_ flavor: Flavor, latency: Duration = .zero, _ body: (Bench) async throws -> Void) async throws {
        let configuration = SimulatorConfiguration(
            seed: 11, speed: 0, apiKey: Self.key, latency: latency, failureRate: 0, startTime: Self.start, flavor: flavor)
        let simulator = try await VideoSimulator.start(configuration)
        let runner = CommandRunner()
        _ = FileManager.default.createFile(
            atPath: runner.path("key"), contents: Data((Self.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        do {
            try await body(Bench(simulator: simulator, runner: runner, flavor: flavor))
        } catch {
            await simulator.stop()
            runner.remove()
            throw error
        }
        await simulator.stop()
        runner.remove()
    }

    @Test("submit, sync to the end, download and the reports work through every flavour", arguments: Flavor.allCases)
    func lifecycle(flavor: Flavor) async throws {
        try await withBench(flavor) { bench in
            let submitted = try await bench.run(["submit", "--prompt", "a lighthouse at dusk", "--model", "sora-2"])
            #expect(submitted.status == 0, "\(flavor): \(submitted.stderr)")
            let id = submitted.stdout.trimmingCharacters(in: .newlines)
            switch flavor {
            case .litellm:
                #expect(id.hasPrefix("video_") && id.utf8.count > 128, "\(id)")
                let inner = Data(base64Encoded: String(id.dropFirst("video_".count))).map { String(decoding: $0, as: UTF8.self) }
                #expect(inner?.hasPrefix("litellm:custom_llm_provider:openai;model_id:sora-2;video_id:video_") == true)
            case .openrouter: #expect(id.hasPrefix("job-"))
            case .together: #expect(UUID(uuidString: id) != nil, "\(id)")
            case .openai, .azure, .comet: #expect(id.hasPrefix("video_"))
            }

            // A job created by another client, tracked by the id the gateway gave it.
            let other = bench.simulator.createVideo(prompt: "a fox in snow")
            let tracked = try await bench.run(["track", other.id])
            #expect(tracked.status == 0, "\(flavor): \(tracked.stderr)")

            bench.simulator.advance(by: 1800)
            let synced = try await bench.run(["sync"])
            #expect(synced.status == 0, "\(flavor): \(synced.stderr)")
            let phases = try bench.rows("SELECT video_id, phase FROM job ORDER BY id").map { "\($0[0] as String)=\($0[1] as String)" }
            #expect(phases == ["\(id)=completed", "\(other.id)=completed"], "\(flavor)")

            let downloaded = try await bench.run(["download", id, other.id, "--dir", "videos"])
            #expect(downloaded.status == 0, "\(flavor): \(downloaded.stderr)")
            for videoID in [id, other.id] {
                let name = ContentVariant.video.fileName(for: try VideoID(validating: videoID))
                let bytes = try Data(contentsOf: URL(fileURLWithPath: bench.runner.path("videos/" + name)))
                #expect(bytes.count > 12 && String(decoding: bytes[4..<8], as: UTF8.self) == "ftyp", "\(flavor): \(name)")
                #expect(!name.contains("/"))
            }
            // Where the bytes came from, and that the key stayed with the API's own host.
            let fetches = bench.simulator.requests().filter { $0.path.hasPrefix("/files/") }
            let contentCalls = bench.simulator.requests().filter { $0.path.hasSuffix("/content") }
            if flavor == .together {
                // No content endpoint: after its 404 the signed link (on another host name) is used, without the key.
                #expect(fetches.count == 2 && contentCalls.count == 2, "\(flavor): \(fetches.count) file fetches")
                #expect(fetches.allSatisfy { !$0.authSent && $0.status == 200 }, "\(flavor): the key went to the file host")
                #expect(contentCalls.allSatisfy { $0.status == 404 && $0.authSent })
            } else {
                #expect(fetches.isEmpty && contentCalls.count == 2, "\(flavor)")
                #expect(contentCalls.allSatisfy { $0.authSent && $0.status == 200 })
            }
            let ok = try bench.rows("SELECT count(*) FROM download WHERE ok = 1")[0][0] as Int
            #expect(ok == 2)

            for report in [["report", "durations"], ["report", "failures"], ["report", "expiring", "--include-expired"]] {
                let result = try await bench.runner.run(report + ["--format", "csv", "--db", bench.database])
                #expect(result.status == 0, "\(flavor) \(report): \(result.stderr)")
                #expect(!result.stdout.isEmpty, "\(flavor) \(report)")
            }
            let failures = try await bench.runner.run(["report", "failures", "--format", "csv", "--db", bench.database])
            #expect(failures.stdout.contains("all,2,2,0,0,0"), "\(flavor): \(failures.stdout)")
            let durations = try await bench.runner.run(["report", "durations", "--format", "csv", "--db", bench.database])
            #expect(durations.stdout.contains("all,2,"), "\(flavor): \(durations.stdout)")
        }
    }

    @Test("an unknown job answers 404 three runs in a row and ends not_found, its upstream code recorded", arguments: Flavor.allCases)
    func notFound(flavor: Flavor) async throws {
        try await withBench(flavor) { bench in
            let missing: String =
                switch flavor {
                case .litellm:
                    "video_" + Data("litellm:custom_llm_provider:openai;model_id:sora-2;video_id:video_gone0001".utf8).base64EncodedString()
                case .openrouter: "job-gone0001"
                case .together: "3f2b1c4d-0000-4000-8000-00000000dead"
                case .openai, .azure, .comet: "video_gone0001"
                }
            #expect(try await bench.run(["track", "--no-poll", missing]).status == 0)
            for _ in 0..<3 { _ = try await bench.run(["sync", "--retries", "0"]) }
            let job = try bench.rows("SELECT phase, consecutive_404s FROM job")[0]
            #expect(job[0] as String == "not_found", "\(flavor)")
            let codes = try bench.rows("SELECT http_status, error_code FROM snapshot ORDER BY id").map { "\($0[0] as Int? ?? 0):\($0[1] as String? ?? "")" }
            #expect(codes.count == 3 && codes.allSatisfy { $0.hasPrefix("404:") }, "\(flavor): \(codes)")
            if flavor == .litellm {
                // Behind LiteLLM the upstream's own error survives only inside the gateway's message: the HTTP status
                // the gateway puts in `code` is not taken for an error code, and the message is the upstream's.
                let messages = try bench.rows("SELECT error_code, error_message FROM snapshot").map { ($0[0] as String?, $0[1] as String? ?? "") }
                #expect(messages.allSatisfy { $0.0 != "404" && $0.1.hasPrefix("Video with id") }, "\(messages)")
            }
        }
    }

    @Test("a 503 model_not_found wrapped by the gateway is recorded with its code and not retried")
    func wrappedModelNotFound() async throws {
        try await withBench(.litellm) { bench in
            let video = bench.simulator.createVideo(prompt: "x", thereafter: .modelNotFound)
            let result = try await bench.run(["track", video.id])
            #expect(result.status == 1, "\(result.stderr)")
            let rows = try bench.rows("SELECT http_status, error_code FROM snapshot")
            #expect(rows.count == 1)
            #expect(rows.first?[0] as Int? == 503 && rows.first?[1] as String? == "model_not_found")
            #expect(bench.simulator.requests().filter { $0.method == "GET" }.count == 1)
        }
    }

    @Test("a 429 with only llm_provider-retry-after is retried after the hint, and the upstream request id recorded")
    func wrappedRateLimit() async throws {
        try await withBench(.litellm) { bench in
            let video = bench.simulator.createVideo(prompt: "x", faults: [.rateLimited(retryAfter: 1)])
            let result = try await bench.run(["track", video.id])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try bench.rows("SELECT http_status, polled_at, request_id FROM snapshot ORDER BY id")
            #expect(rows.map { $0[0] as Int? } == [429, 200])
            let requests = bench.simulator.requests().filter { $0.method == "GET" }
            #expect(requests.count == 2)
            // The second attempt left no earlier than the hint asked (arrival times on the simulator's clock).
            if requests.count == 2 {
                #expect(requests[1].arrivedAt - requests[0].arrivedAt >= .milliseconds(950))
                #expect(rows.map { $0[2] as String? } == requests.map(\.requestID))
            }
        }
    }

    @Test("discover through a gateway that cannot list: one line, exit 69, no loop")
    func discoverRefused() async throws {
        try await withBench(.litellm) { bench in
            let result = try await bench.run(["discover"])
            #expect(result.status == 69)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("does not support listing videos (HTTP 400"), "\(result.stderr)")
            #expect(bench.simulator.requests().count == 1)
        }
    }

    @Test("submit writes its ledger row before the request: a kill while it is on the wire leaves outcome unknown")
    func ledgerBeforeRequest() async throws {
        try await withBench(.litellm, latency: .seconds(30)) { bench in
            let running = try bench.runner.start(["submit", "--prompt", "a slow answer"] + bench.flags)
            try await waitUntil("the create to reach the simulator") {
                bench.simulator.requests().contains { $0.method == "POST" }
            }
            kill(running.process.processIdentifier, SIGKILL)
            _ = try await running.wait()
            let rows = try bench.rows("SELECT kind, outcome, prompt, http_status, error FROM create_attempt")
            #expect(rows.count == 1)
            #expect(rows.first?[0] as String? == "create" && rows.first?[1] as String? == "unknown")
            #expect(rows.first?[2] as String? == "a slow answer" && rows.first?[3] as Int? == nil)
            #expect((rows.first?[4] as String?)?.contains("check with the provider") == true)
        }
    }

    @Test(
        "the demo runs against every flavour: every job finishes and the reports print", .enabled(if: TestBackend.isSQLite, "the demo's history is an SQLite file"),
        arguments: Flavor.allCases)
    func demo(flavor: Flavor) async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let result = try await runner.run(["demo", "--flavor", flavor.rawValue, "--jobs", "8", "--db", runner.path("demo.sqlite")])
        #expect(result.status == 0, "\(flavor): \(result.stderr)")
        #expect(result.stdout.contains("report durations") && result.stdout.contains("8 jobs finished"), "\(flavor)")
        let jobs = try TestBackend.open(runner.path("demo.sqlite")).jobs()
        #expect(jobs.count == 8 && jobs.allSatisfy { $0.phase == .completed || $0.phase == .failed }, "\(flavor)")
    }
}
