import Foundation
import JobStore
import Testing
import TestSupport
import VideoAPI
import VideoSimulator

/// `download`, `sync --download-dir`, `report losses` and the `downloaded` columns: the built executable against the
/// simulator over real sockets, in a temporary folder.
@Suite("downloads end to end", .serialized)
struct DownloadTests {
    static let key = "sk-e2e-download-\(UUID().uuidString)"

    /// A simulator (virtual clock moved by the test, started `ago` before now) and a runner with a key file.
    struct Bench {
        let simulator: VideoSimulator
        let runner: CommandRunner

        var api: [String] {
            ["--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
        }
        var db: [String] { ["--db", runner.path("jobs.sqlite")] }
        var videos: String { runner.path("videos") }

        func run(_ arguments: [String]) async throws -> CommandRunner.Result { try await runner.run(arguments) }

        /// Videos completing `duration` seconds after creation, tracked, then polled once they are completed.
        func completedVideos(_ ids: [String], duration: Double = 60) async throws {
            for id in ids { simulator.createVideo(prompt: "clip \(id)", outcome: .completed, durationSeconds: duration, id: id) }
            #expect(try await run(["track", "--no-poll"] + ids + api).status == 0)
            simulator.advance(by: duration)
            let sync = try await run(["sync"] + api)
            #expect(sync.status == 0, "\(sync.stderr)")
        }

        func database() throws -> any HistoryStore { try TestBackend.open(runner.path("jobs.sqlite")) }

        /// The rows of `download` for `id`.
        func downloads(_ id: String) throws -> [DownloadRecord] { try database().downloads(of: VideoID(validating: id)) }

        /// The bodies the simulator sent for the content of `id`, complete ones only, in order.
        func served(_ id: String, variant: ContentVariant = .video) -> [LoggedResponse] {
            simulator.responses().filter {
                $0.path == "/v1/videos/\(id)/content" && ($0.query ?? "") == (variant.queryValue.map { "variant=" + $0 } ?? "")
            }
        }

        /// Requests to any content endpoint.
        var contentRequests: Int { simulator.requests().filter { $0.path.hasSuffix("/content") }.count }

        /// Names in the download folder, sorted (hidden ones included).
        func files() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: videos)) ?? []).sorted() }

        func bytes(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: videos + "/" + name)) }
    }

    func withBench(ago: TimeInterval = 0, latency: Duration = .zero, _ body: (Bench) async throws -> Void) async throws {
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(
            seed: 11, speed: 0, apiKey: Self.key, latency: latency, failureRate: 0,
            startTime: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - ago).rounded(.down))))
        let runner = CommandRunner()
        _ = FileManager.default.createFile(
            atPath: runner.path("key"), contents: Data((Self.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        defer { runner.remove() }
        do {
            try await body(Bench(simulator: simulator, runner: runner))
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    @Test("download writes <id>.mp4 with the bytes the simulator served; the row's SHA-256 and size match; nothing else is left")
    func downloadsVideos() async throws {
        try await withBench { bench in
            let ids = ["video_dl_a", "video_dl_b", "video_dl_c"]
            try await bench.completedVideos(ids)
            let result = try await bench.run(["download"] + ids + ["--dir", "videos"] + bench.api)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            #expect(bench.files() == ids.map { $0 + ".mp4" })
            for id in ids {
                let served = try #require(bench.served(id).first)
                #expect(served.headers["content-type"] == "video/mp4")
                let file = try bench.bytes(id + ".mp4")
                #expect(file == served.body)
                let row = try #require(try bench.downloads(id).first)
                #expect(row.ok && row.httpStatus == 200 && row.requestID == served.requestID && row.contentType == "video/mp4")
                #expect(row.path == bench.videos + "/\(id).mp4" && row.bytes == Int64(file.count))
                #expect(row.sha256 == sha256Hex(served.body))
                #expect(result.stdout.contains("\(id): downloaded \(bench.videos)/\(id).mp4 (") && result.stdout.contains("sha256 \(row.sha256!)"))
            }
            #expect(result.stdout.split(separator: "\n").last?.hasPrefix("download: 3 downloaded, 0 already downloaded, 0 failed (3 requests in ") == true)
            // 0644 less the umask: never executable, never writable by others.
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: bench.videos + "/video_dl_a.mp4")[.posixPermissions] as? Int)
            #expect(mode & 0o600 == 0o600 && mode & 0o133 == 0)

            // Again: each job's file is there with its size, so nothing is fetched.
            let again = try await bench.run(["download"] + ids + ["--dir", "videos"] + bench.api)
            #expect(again.status == 0)
            #expect(again.stdout.contains("video_dl_a: already downloaded (\(bench.videos)/video_dl_a.mp4)"))
            #expect(bench.contentRequests == 3)
            let jobs = try await bench.run(["jobs", "--format", "csv"] + bench.db)
            let header = try #require(jobs.stdout.split(separator: "\r\n").first)
            #expect(header.hasSuffix(",polls,phase,downloaded_at"))
            #expect(jobs.stdout.split(separator: "\r\n").dropFirst().allSatisfy { $0.hasSuffix("Z") })
        }
    }

    @Test("thumbnail and spritesheet variants are saved as .webp and .jpg with their bytes")
    func variants() async throws {
        try await withBench { bench in
            try await bench.completedVideos(["video_variants"])
            for variant in [ContentVariant.thumbnail, .spritesheet] {
                let result = try await bench.run(["download", "video_variants", "--variant", variant.rawValue, "--dir", "videos"] + bench.api)
                #expect(result.status == 0, "\(result.stderr)")
                let served = try #require(bench.served("video_variants", variant: variant).first)
                #expect(served.query == "variant=\(variant.rawValue)" && served.headers["content-type"] == variant.mediaType)
                #expect(try bench.bytes("video_variants.\(variant.fileExtension)") == served.body)
                let row = try #require(try bench.downloads("video_variants").last)
                #expect(row.variant == variant && row.ok && row.sha256 == sha256Hex(served.body))
            }
            #expect(bench.files() == ["video_variants.jpg", "video_variants.webp"])
            #expect(try bench.database().job(VideoID(validating: "video_variants"))?.downloadedAt == nil, "no video downloaded yet")
        }
    }

    @Test("a JSON error body with HTTP 200 leaves no file: one failed row with that body, exit 1; a cut body is retried")
    func errorBodyInsteadOfBytes() async throws {
        try await withBench { bench in
            try await bench.completedVideos(["video_json", "video_cut", "video_fine"])
            let body = #"{"error":{"message":"Video is not ready yet, use GET /v1/videos/video_json to check status.","type":"invalid_request_error","param":null,"code":null}}"#
            bench.simulator.scriptContent("video_json", faults: [], thereafter: .custom(status: 200, body: body))
            bench.simulator.scriptContent("video_cut", faults: [], thereafter: .truncatedBody)
            let result = try await bench.run(["download", "video_json", "video_cut", "video_fine", "--dir", "videos", "--retries", "1"] + bench.api)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(bench.files() == ["video_fine.mp4"], "no partial or temporary file")

            let json = try bench.downloads("video_json")
            #expect(json.count == 1, "a 200 with the wrong type is not retried")
            #expect(json[0].ok == false && json[0].httpStatus == 200 && json[0].contentType == "application/json")
            #expect(json[0].body == Data(body.utf8) && json[0].path == nil)
            #expect(json[0].error == "the server sent application/json instead of video/mp4: Video is not ready yet, use GET /v1/videos/video_json to check status.")
            #expect(result.stderr.contains("video_json: failed: the server sent application/json instead of video/mp4"))

            let cut = try bench.downloads("video_cut")
            #expect(cut.count == 2 && cut.allSatisfy { !$0.ok && $0.path == nil })
            #expect(cut[0].error?.hasPrefix("transport: the server closed the connection") == true, "\(cut[0].error ?? "")")
            #expect(result.stderr.contains("video_cut: failed after 2 attempts: transport:"))
            #expect(result.stderr.split(separator: "\n").count == 2, "one line per failed job: \(result.stderr)")
            #expect(result.stdout.contains("download: 1 downloaded, 0 already downloaded, 2 failed"))
        }
    }

    @Test("sync --download-dir downloads each newly completed job once; a second sync fetches nothing again")
    func syncDownloads() async throws {
        try await withBench { bench in
            let fast = ["video_sync_1", "video_sync_2"]
            for id in fast { bench.simulator.createVideo(prompt: id, outcome: .completed, durationSeconds: 60, id: id) }
            bench.simulator.createVideo(prompt: "slow", outcome: .completed, durationSeconds: 600, id: "video_sync_slow")
            bench.simulator.createVideo(prompt: "bad", outcome: .failed(code: "moderation_blocked", message: "no"), durationSeconds: 30, id: "video_sync_failed")
            #expect(try await bench.run(["track", "--no-poll"] + fast + ["video_sync_slow", "video_sync_failed"] + bench.api).status == 0)

            let first = try await bench.run(["sync", "--download-dir", "videos"] + bench.api)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.split(separator: "\n").last?.hasPrefix("download: 0 downloaded, 0 failed") == true, "\(first.stdout)")
            #expect(bench.contentRequests == 0)

            bench.simulator.advance(by: 60)
            let second = try await bench.run(["sync", "--download-dir", "videos"] + bench.api)
            #expect(second.status == 0, "\(second.stderr)")
            let lines = second.stdout.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("sync: 4 polled, 2 completed, 1 failed"))
            #expect(lines[1].hasPrefix("download: 2 downloaded, 0 failed (2 requests in "))
            #expect(bench.files() == fast.map { $0 + ".mp4" })

            let third = try await bench.run(["sync", "--download-dir", "videos"] + bench.api)
            #expect(third.status == 0)
            #expect(third.stdout.split(separator: "\n").last?.hasPrefix("download: 0 downloaded, 0 failed (0 requests") == true)
            #expect(bench.contentRequests == 2)

            bench.simulator.advance(by: 600)
            let fourth = try await bench.run(["sync", "--quiet", "--download-dir", "videos"] + bench.api)
            #expect(fourth.status == 0 && fourth.stdout.isEmpty)
            #expect(bench.files() == (fast + ["video_sync_slow"]).map { $0 + ".mp4" })
            #expect(bench.contentRequests == 3)
            for id in fast + ["video_sync_slow"] {
                #expect(try bench.downloads(id).map(\.ok) == [true])
                #expect(try bench.bytes(id + ".mp4") == bench.served(id).first?.body)
            }
        }
    }

    @Test("expired jobs are not fetched: download says so in one line and exits 1; --force asks anyway and records the 410")
    func expiredJobs() async throws {
        // The jobs complete 60 s after a start two hours ago, so their content expired an hour ago by the real clock.
        try await withBench(ago: 7200) { bench in
            try await bench.completedVideos(["video_expired"])
            let job = try #require(try bench.database().job(VideoID(validating: "video_expired")))
            let expiresAt = try #require(job.expiresAt)
            let result = try await bench.run(["download", "video_expired", "--dir", "videos"] + bench.api)
            #expect(result.status == 1)
            let when = Date(timeIntervalSince1970: Double(expiresAt)).formatted(.iso8601)
            #expect(result.stderr == "video_expired: its video expired at \(when), not fetched (--force tries anyway)\n")
            let sync = try await bench.run(["sync", "--download-dir", "videos"] + bench.api)
            #expect(sync.status == 0 && sync.stdout.contains("download: 0 downloaded, 0 failed (0 requests"))
            #expect(bench.contentRequests == 0)

            bench.simulator.advance(by: 3600)  // the simulator's own clock passes the expiry too
            let forced = try await bench.run(["download", "video_expired", "--force", "--dir", "videos"] + bench.api)
            #expect(forced.status == 1)
            #expect(forced.stderr.contains("video_expired: failed: HTTP 410 video_expired: The content of video 'video_expired' expired"))
            #expect(try bench.downloads("video_expired").map(\.httpStatus) == [410])
            #expect(bench.files().isEmpty)
        }
    }

    @Test("report losses and report expiring count downloads on a known set")
    func lossReport() async throws {
        // Started 3 h ago: A and B completed at +60 s (expired 2 h ago); C and D at +2h50m (expire in about 50 min).
        try await withBench(ago: 3 * 3600) { bench in
            for id in ["video_loss_a", "video_loss_b"] { bench.simulator.createVideo(prompt: id, outcome: .completed, durationSeconds: 60, id: id) }
            for id in ["video_loss_c", "video_loss_d"] { bench.simulator.createVideo(prompt: id, outcome: .completed, durationSeconds: 10_200, id: id) }
            bench.simulator.createVideo(prompt: "f", outcome: .failed(code: "internal_error", message: "x"), durationSeconds: 60, id: "video_loss_f")
            let ids = ["video_loss_a", "video_loss_b", "video_loss_c", "video_loss_d", "video_loss_f"]
            #expect(try await bench.run(["track", "--no-poll"] + ids + bench.api).status == 0)
            bench.simulator.advance(by: 10_260)
            #expect(try await bench.run(["sync"] + bench.api).status == 0)
            #expect(try await bench.run(["download", "video_loss_c", "--dir", "videos"] + bench.api).status == 0)
            let lost = try await bench.run(["download", "video_loss_a", "--force", "--dir", "videos"] + bench.api)
            #expect(lost.status == 1 && lost.stderr.contains("HTTP 410"))

            let csv = try await bench.run(["report", "losses", "--format", "csv"] + bench.db)
            #expect(csv.status == 0, "\(csv.stderr)")
            #expect(csv.stdout == "group,completed,downloaded,expired_undownloaded,loss_rate\r\nall,4,1,2,0.6667\r\n")
            let hourLater = Date().addingTimeInterval(3600).formatted(.iso8601)
            let pinned = try await bench.run(["report", "losses", "--by", "model", "--now", hourLater, "--format", "csv", "--no-header"] + bench.db)
            #expect(pinned.stdout == "sora-2,4,1,3,0.75\r\n")
            let table = try await bench.run(["report", "losses"] + bench.db)
            #expect(table.stdout.contains("66.7%") && table.stdout.contains("1 completed job is neither downloaded nor expired yet"))

            let expiring = try await bench.run(["report", "expiring", "--format", "csv"] + bench.db)
            let rows = expiring.stdout.split(separator: "\r\n")
            #expect(rows.first == "video_id,model,completed_at,expires_at,expires_in_s,downloaded")
            #expect(rows.dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" } == ["video_loss_c", "video_loss_d"])
            #expect(rows.dropFirst().map { $0.split(separator: ",").last.map(String.init) ?? "" } == ["true", "false"])
            let expiringTable = try await bench.run(["report", "expiring"] + bench.db)
            #expect(expiringTable.stdout.contains("soratrack download VIDEO_ID"))
        }
    }

    @Test("unknown job 65, invalid id 65, a folder that cannot be created 73, a rejected key 77 after one request")
    func exitCodes() async throws {
        try await withBench { bench in
            try await bench.completedVideos(["video_codes"])
            let unknown = try await bench.run(["download", "video_codes", "video_never_tracked", "--dir", "videos"] + bench.api)
            #expect(unknown.status == 65 && unknown.stderr == "soratrack: no job video_never_tracked in the database: track it first\n")
            let invalid = try await bench.run(["download", "bad id"] + bench.api)
            #expect(invalid.status == 65)
            try Data("x".utf8).write(to: URL(fileURLWithPath: bench.runner.path("plain")))
            let folder = try await bench.run(["download", "video_codes", "--dir", "plain/videos"] + bench.api)
            #expect(folder.status == 73 && folder.stderr.hasPrefix("soratrack: cannot create the download folder \(bench.runner.path("plain/videos"))"))
            #expect(folder.stderr.split(separator: "\n").count == 1)
            #expect(bench.contentRequests == 0)

            var wrongKey = bench.runner
            wrongKey.environment["SORATRACK_API_KEY"] = Self.key + "-wrong"
            let rejected = try await wrongKey.run(["download", "video_codes", "--dir", "videos", "--db", bench.runner.path("jobs.sqlite"), "--base-url", bench.simulator.baseURL.absoluteString])
            #expect(rejected.status == 77)
            #expect(rejected.stderr.hasSuffix("check --api-key-file or SORATRACK_API_KEY\n"))
            #expect(bench.contentRequests == 1)
            let unreachable = try await bench.run([
                "download", "video_codes", "--dir", "videos", "--retries", "0", "--db", bench.runner.path("jobs.sqlite"),
                "--base-url", "http://127.0.0.1:1/v1", "--api-key-file", bench.runner.path("key"),
            ])
            #expect(unreachable.status == 69, "\(unreachable.stderr)")
            #expect(try bench.downloads("video_codes").map(\.httpStatus) == [401, nil])
        }
    }

    @Test("SIGTERM during a download stops it at once: exit 143, no file, no temporary file, the attempt recorded")
    func sigterm() async throws {
        try await withBench { bench in
            try await bench.completedVideos(["video_term"])
            bench.simulator.scriptContent("video_term", faults: [.slow(.seconds(30))])
            let running = try bench.runner.start(["download", "video_term", "--dir", "videos"] + bench.api)
            try await waitUntil("the download to be in flight") { bench.simulator.pendingRequests == 1 }
            running.process.terminate()
            let result = try await running.wait()
            #expect(result.status == 143)
            // The 30 s answer was still pending when the process had ended: it did not wait for the download.
            let content = bench.simulator.requests().filter { $0.path.hasSuffix("/content") }
            #expect(content.count == 1 && content.allSatisfy { $0.answeredAt == nil }, "\(content)")
            #expect(bench.files().isEmpty)
            let rows = try bench.downloads("video_term")
            #expect(rows.count == 1 && !rows[0].ok && rows[0].error?.hasPrefix("interrupted") == true)
        }
    }

    @Test("the API key appears in no file: database, downloads and error bodies that echo it")
    func keyNeverStored() async throws {
        try await withBench { bench in
            try await bench.completedVideos(["video_key_ok", "video_key_echo"])
            let echo = #"{"error":{"message":"key \#(Self.key) is not allowed to download","type":"invalid_request_error","param":null,"code":null}}"#
            bench.simulator.scriptContent("video_key_echo", faults: [.custom(status: 403, body: echo)])
            let result = try await bench.run(["download", "video_key_ok", "video_key_echo", "--dir", "videos", "--verbose"] + bench.api)
            #expect(result.status == 77)
            #expect(!(result.stdout + result.stderr).contains(Self.key))
            let row = try #require(try bench.downloads("video_key_echo").first)
            #expect(row.body.map { String(decoding: $0, as: UTF8.self).contains("[redacted]") } == true)
            var checked = 0
            let everything = FileManager.default.enumerator(atPath: bench.runner.folder)
            while let name = everything?.nextObject() as? String {
                let path = bench.runner.path(name)
                guard name != "key", let data = FileManager.default.contents(atPath: path) else { continue }
                #expect(data.range(of: Data(Self.key.utf8)) == nil, "the key is in \(name)")
                checked += 1
            }
            #expect(checked >= (TestBackend.isSQLite ? 2 : 1))
            #expect(try TestBackend.storedBytes(bench.runner.path("jobs.sqlite")).range(of: Data(Self.key.utf8)) == nil, "key in the history")
        }
    }
}
