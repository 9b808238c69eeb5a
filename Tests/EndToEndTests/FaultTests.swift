import Foundation
import TestSupport
import JobStore
import Synchronization
import Testing
import VideoAPI
import VideoSimulator

/// Every fault of the simulator against the built `soratrack` over real sockets: what is recorded for each attempt,
/// what is retried and after how long, and how the run exits.
///
/// Each test checks the ledger too: every request the simulator received is one snapshot, in order; a complete
/// response is recorded once with its status, `x-request-id` and exact body; an answer that never fully arrived is a
/// transport failure without status.
@Suite("faults end to end")
struct FaultTests {
    // MARK: Rate limits

    @Test("429 with retry-after: recorded, retried no sooner than asked, then the video is recorded")
    func rateLimitedSeconds() async throws {
        try await withBench { bench in
            let id = bench.video("video_429_s", faults: [.rateLimited(retryAfter: 1)])
            // `track` polls new ids itself: the same retry path as `sync`.
            let track = try await bench.run(["track", id] + bench.flags)
            #expect(track.status == 0, "\(track.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [429, 200])
            #expect(snapshots.map(\.attempt) == [0, 1])
            #expect(snapshots[0].errorCode == "rate_limit_exceeded")
            #expect(snapshots[0].pollError?.hasPrefix("HTTP 429 rate_limit_exceeded: Rate limit reached") == true)
            #expect(try bench.job(id).phase == .completed)
            try bench.expectRetryWait(of: id, atLeast: .seconds(1))
            try await bench.expectLedger()
        }
    }

    @Test("429 with retry-after-ms: the wait in milliseconds is honoured")
    func rateLimitedMilliseconds() async throws {
        try await withBench { bench in
            let id = bench.video("video_429_ms", faults: [.rateLimited(retryAfterMs: 1200)])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(try bench.snapshots(id).map(\.httpStatus) == [429, 200])
            try bench.expectRetryWait(of: id, atLeast: .milliseconds(1200))
            try await bench.expectLedger()
        }
    }

    @Test("429 asking for more than 120 s is recorded and not retried; the run exits 1")
    func rateLimitedTooLong() async throws {
        try await withBench { bench in
            let id = bench.video("video_429_long", faults: [.rateLimited(retryAfter: 300)])
            let sync = try await bench.sync([id])
            #expect(sync.status == 1)
            let lines = sync.stderr.split(separator: "\n")
            #expect(lines.count == 1 && sync.stdout.isEmpty, "a failing run says so in one line on stderr")
            #expect(lines.first?.hasPrefix("soratrack: the API asked to wait 300s before any more requests (HTTP 429 rate_limit_exceeded: ") == true, "\(sync.stderr)")
            #expect(lines.first?.contains("1 of 1 job tried (1 request, 1 answered)") == true)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [429])
            #expect(snapshots[0].pollError?.contains("try again in 300s") == true)
            #expect(try bench.job(id).phase == .unknown)
            try await bench.expectLedger()
        }
    }

    // MARK: Server errors

    @Test("500 in OpenAI's envelope: recorded with its message, retried")
    func serverErrorOpenAI() async throws {
        try await withBench { bench in
            let id = bench.video("video_500_openai", faults: [.serverError(status: 500, envelope: .openAI)])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [500, 200])
            #expect(snapshots[0].errorCode == nil)
            #expect(snapshots[0].pollError == "HTTP 500: The server had an error while processing your request. Sorry about that!")
            try await bench.expectLedger()
        }
    }

    @Test("503 in CometAPI's envelope: empty code stored as none, its request id kept in the message, retried")
    func serverErrorCometAPI() async throws {
        try await withBench { bench in
            let id = bench.video("video_503_comet", faults: [.serverError(status: 503, envelope: .cometAPI)])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [503, 200])
            let requestID = try #require(snapshots[0].requestID)
            #expect(snapshots[0].errorCode == nil, "CometAPI's code \"\" is no code")
            #expect(snapshots[0].errorMessage == "upstream error: do request failed (request id: \(requestID))")
            #expect(snapshots[0].pollError == "HTTP 503: upstream error: do request failed (request id: \(requestID))")
            try await bench.expectLedger()
        }
    }

    @Test("500 in CometAPI's older envelope without param, three times: every attempt recorded, the run exits 1")
    func serverErrorCometAPILegacyEveryTime() async throws {
        try await withBench { bench in
            let failing = bench.video("video_500_legacy", thereafter: .serverError(status: 500, envelope: .cometAPILegacy))
            let fine = bench.video("video_fine")
            let sync = try await bench.sync([failing, fine])
            #expect(sync.status == 1, "some polls failed after their retries")
            #expect(sync.stdout.isEmpty && sync.stderr.contains("1 completed") && sync.stderr.contains("1 errors"), "\(sync.stderr)")
            let snapshots = try bench.snapshots(failing)
            #expect(snapshots.map(\.httpStatus) == [500, 500, 500])
            #expect(snapshots.map(\.attempt) == [0, 1, 2])
            #expect(snapshots.allSatisfy { $0.errorMessage?.hasPrefix("upstream error: do request failed") == true })
            #expect(try bench.job(fine).phase == .completed)
            // Without a server hint the waits are the backoff: about 0.5 s, then about 1 s (jitter takes up to 25 %).
            let gaps = try bench.retryGaps(of: failing)
            #expect(gaps.count == 2)
            let slack = try bench.slack(atLeast: .milliseconds(1500)), laterSlack = try bench.slack(atLeast: .seconds(2))
            #expect(gaps.first.map { $0 >= .milliseconds(375) && $0 < .milliseconds(500) + slack } == true, "\(gaps), slack \(slack)")
            #expect(gaps.last.map { $0 >= .milliseconds(750) && $0 < .seconds(1) + laterSlack } == true, "\(gaps), slack \(laterSlack)")
            try await bench.expectLedger()
        }
    }

    @Test("503 model_not_found is recorded once and not retried")
    func modelNotFound() async throws {
        try await withBench { bench in
            let id = bench.video("video_no_model", model: "sora-2-all", faults: [.modelNotFound])
            let sync = try await bench.sync([id])
            #expect(sync.status == 1)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [503])
            let requestID = try #require(snapshots[0].requestID)
            #expect(snapshots[0].errorCode == "model_not_found")
            #expect(snapshots[0].pollError == "HTTP 503 model_not_found: no available channel for group default and model "
                + "sora-2-all (distributor) (request id: \(requestID))")
            try await bench.expectLedger()
        }
    }

    @Test("500 invalid_request is recorded once and not retried")
    func invalidRequest() async throws {
        try await withBench { bench in
            let id = bench.video("video_invalid_request", faults: [.invalidRequest])
            let sync = try await bench.sync([id])
            #expect(sync.status == 1)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [500])
            #expect(snapshots[0].errorCode == "invalid_request")
            #expect(snapshots[0].pollError?.hasPrefix("HTTP 500 invalid_request: field prompt is required") == true)
            try await bench.expectLedger()
        }
    }

    @Test("502 with an HTML page: the poll error names the page's title, the page is stored, retried")
    func badGatewayHTML() async throws {
        try await withBench { bench in
            let id = bench.video("video_502_html", faults: [.htmlError(status: 502)])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [502, 200])
            #expect(snapshots[0].pollError == "HTTP 502: HTML page instead of JSON (title: 502 Bad Gateway)")
            #expect(snapshots[0].body.map { String(decoding: $0, as: UTF8.self) }?.contains("<h1>502 Bad Gateway</h1>") == true)
            try await bench.expectLedger()
        }
    }

    @Test("408 and 409 are retried, 400 is not")
    func otherStatuses() async throws {
        try await withBench { bench in
            let retried = bench.video("video_408_409", faults: [
                .custom(status: 408, body: #"{"error":{"message":"Request timed out.","type":"timeout","param":null,"code":null}}"#),
                .custom(status: 409, body: #"{"error":{"message":"Conflict.","type":"conflict","param":null,"code":null}}"#),
            ])
            let refused = bench.video("video_400", faults: [
                .custom(status: 400, body: #"{"error":{"message":"Bad id.","type":"invalid_request_error","param":"id","code":"bad_id"}}"#),
            ])
            let sync = try await bench.sync([retried, refused])
            #expect(sync.status == 1)
            #expect(try bench.snapshots(retried).map(\.httpStatus) == [408, 409, 200])
            let once = try bench.snapshots(refused)
            #expect(once.map(\.httpStatus) == [400])
            #expect(once[0].errorCode == "bad_id" && once[0].pollError == "HTTP 400 bad_id: Bad id.")
            try await bench.expectLedger()
        }
    }

    // MARK: Broken transport

    @Test("a body cut short by a closed connection is a transport failure without status, then retried")
    func truncatedBody() async throws {
        try await withBench { bench in
            let id = bench.video("video_truncated", faults: [.truncatedBody])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [nil, 200])
            #expect(snapshots[0].pollError == "transport: the server closed the connection before the response was complete")
            let cut = try #require(bench.retrieves(of: id).first)
            guard case .truncated(let sent, let declared) = cut.delivery else {
                Issue.record("the first answer was not cut: \(cut.delivery)")
                return
            }
            #expect(sent > 0 && sent < declared)
            #expect(!bench.simulator.responses().contains { $0.requestID == cut.requestID }, "a cut answer is not a response")
            try await bench.expectLedger()
        }
    }

    @Test("a complete 200 whose JSON is cut is recorded with its status and a malformed-body error, not retried")
    func cutJSON() async throws {
        try await withBench { bench in
            let id = bench.video("video_cut_json", faults: [.cutJSON])
            let sync = try await bench.sync([id])
            #expect(sync.status == 1)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [200])
            #expect(snapshots[0].pollError?.hasPrefix("malformed body: ") == true)
            #expect(snapshots[0].status == nil)
            #expect(try bench.job(id).phase == .unknown, "a body that does not parse changes nothing")
            try await bench.expectLedger()
        }
    }

    @Test("a connection closed without a response is a transport failure without status, then retried")
    func connectionClosed() async throws {
        try await withBench { bench in
            let id = bench.video("video_closed", faults: [.connectionClosed])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [nil, 200])
            #expect(snapshots[0].pollError == "transport: the server closed the connection before the response was complete")
            #expect(bench.retrieves(of: id).first?.delivery == .closedWithoutResponse)
            try await bench.expectLedger()
        }
    }

    @Test("a response slower than --timeout is a timeout without status; the late answer never counts as sent")
    func slowResponse() async throws {
        try await withBench { bench in
            let id = bench.video("video_slow", faults: [.slow(.seconds(3))])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [nil, 200])
            #expect(snapshots[0].pollError == "transport: timed out after 1 s")
            let requests = bench.retrieves(of: id)
            try #require(requests.count == 2)
            let gap = requests[0].arrivedAt.duration(to: requests[1].arrivedAt)
            // Arrival times are the simulator's: on a loaded machine the first request can reach it late, so the gap
            // may look shorter than the client's 1 s wait. The point is that the client gave up before the 3 s answer:
            // the simulator found it gone when that answer was due, and had written nothing of it.
            #expect(gap >= .milliseconds(500), "the client waited for its 1 s timeout: \(gap)")
            try await waitUntil("the slow answer to be due") { bench.retrieves(of: id).first?.delivery != .pending }
            #expect(bench.retrieves(of: id).first?.delivery == .clientGone, "the client gave up before the 3 s answer")
            #expect(bench.retrieves(of: id).first?.answeredAt == nil)
            try await bench.expectLedger()
            #expect(bench.retrieves(of: id).first?.delivery == .clientGone)
        }
    }

    @Test("every request's connection closed: the breaker stops the run, every attempt recorded without status, exit 69")
    func unreachable() async throws {
        try await withBench { bench in
            let ids = (0..<3).map { bench.video("video_dark_\($0)", thereafter: .connectionClosed) }
            let sync = try await bench.sync(ids)
            #expect(sync.status == 69)
            // The one line that ends the run: no line per job.
            let lines = sync.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.last?.hasPrefix("soratrack: the API could not be reached (transport: the server closed") == true)
            // Eight failures in a row (the concurrency) open the breaker: the ninth attempt is sent only if it was
            // already on its way.
            var attempts = 0
            for id in ids {
                let statuses = try bench.snapshots(id).map(\.httpStatus)
                #expect(statuses.allSatisfy { $0 == nil } && (2...3).contains(statuses.count), "\(statuses)")
                attempts += statuses.count
            }
            #expect(bench.simulator.requests().count == attempts && (8...9).contains(attempts))
            #expect(bench.simulator.responses().isEmpty)
            try await bench.expectLedger()
        }
    }

    // MARK: Answers that are not the video

    @Test("301: not followed, recorded with the Location in the poll error")
    func redirect() async throws {
        try await withBench { bench in
            let id = bench.video("video_moved", faults: [.redirect(location: "https://api.example.com/v1/videos/video_moved")])
            let sync = try await bench.sync([id])
            #expect(sync.status == 1)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [301])
            #expect(snapshots[0].pollError == "HTTP 301 redirect to https://api.example.com/v1/videos/video_moved (not followed)")
            #expect(bench.simulator.requests().count == 1, "the Location was not requested")
            try await bench.expectLedger()
        }
    }

    @Test("404 three syncs in a row: the job ends locally as not_found and is polled no more")
    func notFoundThreeTimes() async throws {
        try await withBench { bench in
            let id = bench.video("video_gone", thereafter: .notFound)
            try await bench.track([id])
            var statuses: [Int32] = []
            for _ in 0..<3 { statuses.append(try await bench.runner.run(["sync"] + bench.flags).status) }
            #expect(statuses == [1, 1, 1])
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [404, 404, 404])
            #expect(snapshots.allSatisfy { $0.pollError == "HTTP 404: Video with id 'video_gone' not found." })
            let job = try bench.job(id)
            #expect(job.phase == .notFound && job.status == "not_found")
            let fourth = try await bench.runner.run(["sync"] + bench.flags)
            #expect(fourth.status == 0)
            #expect(fourth.stdout.hasPrefix("sync: 0 polled"))
            #expect(bench.simulator.requests().count == 3)
            try await bench.expectLedger()
        }
    }

    // MARK: Keys

    @Test("401 for every key: exit 77 after the first response, no more requests")
    func rejectAllKeys() async throws {
        try await withBench(rejectAllKeys: true) { bench in
            let ids = (0..<5).map { bench.video("video_locked_\($0)") }
            let sync = try await bench.sync(ids, ["--concurrency", "1"])
            #expect(sync.status == 77)
            let last = sync.stderr.split(separator: "\n").last ?? ""
            #expect(last.hasPrefix("soratrack: the API rejected the key (HTTP 401 invalid_api_key: Incorrect API key"))
            #expect(!sync.stderr.contains(Bench.key), "the key is masked")
            #expect(bench.simulator.requests().count == 1)
            #expect(try bench.database().counts().snapshots == 1)
            try await bench.expectLedger()
        }
    }

    @Test("401 with requests in flight: answers already sent are recorded with their status")
    func rejectAllKeysInFlight() async throws {
        try await withBench(rejectAllKeys: true, latency: .milliseconds(100)) { bench in
            let ids = (0..<12).map { bench.video("video_locked_\($0)") }
            let sync = try await bench.sync(ids, ["--concurrency", "4"])
            #expect(sync.status == 77)
            #expect(bench.simulator.requests().count <= 4, "nothing is launched after the first 401")
            // Requests already in flight at the first 401 finish and their answers are recorded.
            try await bench.expectLedger()
        }
    }

    @Test("403 with a bare {code,message} body: recorded with its message, exit 77")
    func quotaBareBody() async throws {
        try await withBench { bench in
            let id = bench.video("video_quota", faults: [.bareError(status: 403, code: nil, message: "user quota is not enough")])
            let sync = try await bench.sync([id])
            #expect(sync.status == 77)
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.httpStatus) == [403])
            #expect(snapshots[0].errorCode == nil)
            #expect(snapshots[0].errorMessage == "user quota is not enough")
            #expect(snapshots[0].pollError == "HTTP 403: user quota is not enough")
            #expect(snapshots[0].body == Data(#"{"code":null,"message":"user quota is not enough"}"#.utf8))
            try await bench.expectLedger()
        }
    }

    // MARK: Proxy quirks

    @Test("proxy quirks: ms timestamps, integer seconds, succeeded, extra fields and missing nulls decode right")
    func proxyQuirks() async throws {
        try await withBench { bench in
            let quirks: Set<Quirk> = [.millisecondTimestamps, .integerSeconds, .extraFields, .omitNullKeys, .statusSynonyms]
            let id = bench.video("video_proxied", seconds: "8", duration: 100, quirks: quirks)
            try await bench.track([id])
            var phases: [Phase] = []
            for _ in 0..<3 {
                let sync = try await bench.runner.run(["sync"] + bench.flags)
                #expect(sync.status == 0, "\(sync.stderr)")
                phases.append(try bench.job(id).phase)
                bench.simulator.advance(by: 50)
            }
            #expect(phases == [.queued, .running, .completed])
            let snapshots = try bench.snapshots(id)
            #expect(snapshots.map(\.status) == ["submitted", "processing", "succeeded"])
            let truth = try #require(bench.simulator.video(id))
            let job = try bench.job(id)
            #expect(job.providerStatus == "succeeded")
            #expect(job.seconds == "8")
            #expect(job.createdAt == Int64(truth.createdAt.timeIntervalSince1970))
            #expect(job.completedAt == truth.completedAt.map { Int64($0.timeIntervalSince1970) })
            #expect(job.expiresAt == truth.expiresAt.map { Int64($0.timeIntervalSince1970) })
            #expect(job.durationSeconds == 100)
            let raw = try #require(snapshots.last?.body)
            let fields = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
            #expect(fields["video_url"] as? String == "https://assets.simulator.invalid/videos/\(id).mp4")
            #expect(fields["task_id"] as? String == id && fields["quality"] as? String == "standard")
            #expect(fields["remixed_from_video_id"] == nil, "null keys are left out")
            #expect(fields["created_at"] as? Int == Int(truth.createdAt.timeIntervalSince1970) * 1000)
            try await bench.expectLedger()
        }
    }

    @Test("proxy quirks: status error ends the job failed with its error code")
    func proxyErrorStatus() async throws {
        try await withBench { bench in
            let id = bench.video(
                "video_proxied_failure", outcome: .failed(code: "moderation_blocked", message: "Blocked."), duration: 0,
                quirks: [.statusSynonyms, .omitNullKeys])
            let sync = try await bench.sync([id])
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stdout.contains("1 failed"))
            let job = try bench.job(id)
            #expect(job.providerStatus == "error" && job.phase == .failed)
            #expect(job.errorCode == "moderation_blocked" && job.errorMessage == "Blocked.")
            try await bench.expectLedger()
        }
    }

    // MARK: Random faults

    @Test("random transient faults: every attempt is recorded once, and repeated syncs finish every job")
    func randomFaults() async throws {
        try await withBench(faultRate: 0.3) { bench in
            let ids = (0..<12).map { bench.video("video_random_\($0)") }
            try await bench.track(ids)
            var statuses: [Int32] = []
            for _ in 0..<8 {
                let sync = try await bench.runner.run(["sync", "--concurrency", "8"] + bench.flags)
                statuses.append(sync.status)
                #expect([0, 1].contains(sync.status), "\(sync.stderr)")
                if sync.stdout.contains(" 0 still open") { break }
            }
            #expect(statuses.last == 0, "\(statuses)")
            #expect(try bench.database().jobs().allSatisfy { $0.phase == .completed })
            #expect(bench.simulator.requests().contains { $0.fault != nil }, "some faults were drawn")
            try await bench.expectLedger()
        }
    }

    // MARK: The simulate command

    @Test("simulate --scenario serves the scripted videos to a real sync")
    func scenarioFile() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let scenario = """
            {"quirks": ["extra_fields"],
             "videos": [
               {"id": "video_scripted_a", "prompt": "a paper airplane", "outcome": "completed", "duration": 0,
                "faults": [{"fault": "rate_limited", "retry_after_ms": 300}, {"fault": "normal"}]},
               {"id": "video_scripted_b", "prompt": "a red fox", "model": "sora-2-pro", "seconds": 8,
                "outcome": "failed", "error": {"code": "moderation_blocked", "message": "Blocked."}, "duration": "0s",
                "quirks": ["status_synonyms"],
                "faults": [{"fault": "server_error", "status": 503, "envelope": "cometapi", "count": 2}]}
             ]}
            """
        _ = FileManager.default.createFile(atPath: runner.path("scenario.json"), contents: Data(scenario.utf8))
        _ = FileManager.default.createFile(atPath: runner.path("key"), contents: Data("sk-scenario\n".utf8))
        let simulate = try runner.start([
            "simulate", "--port", "0", "--speed", "0", "--api-key", "sk-scenario", "--scenario", runner.path("scenario.json"),
        ])
        var baseURL = ""
        try await waitUntil("the simulator's base URL", seconds: 10) {
            baseURL = ((try? String(contentsOfFile: simulate.outPath, encoding: .utf8)) ?? "")
                .split(separator: "\n").first.map(String.init) ?? ""
            return baseURL.hasPrefix("http://") || !simulate.process.isRunning
        }
        let flags = ["--db", runner.path("jobs.sqlite"), "--base-url", baseURL, "--api-key-file", runner.path("key"),
                     "--timeout", "1s", "--retries", "2"]
        let track = try await runner.run(["track", "video_scripted_a", "video_scripted_b"] + flags)
        simulate.process.terminate()
        #expect(try await simulate.wait().status == 0)
        #expect(track.status == 0, "\(track.stderr)")
        #expect(track.stdout.contains("1 completed, 1 failed"))
        let db = try TestBackend.open(runner.path("jobs.sqlite"))
        let a = try db.snapshots(of: VideoID(validating: "video_scripted_a"))
        let b = try db.snapshots(of: VideoID(validating: "video_scripted_b"))
        #expect(a.map(\.httpStatus) == [429, 200])
        #expect(b.map(\.httpStatus) == [503, 503, 200])
        #expect(b.last?.status == "error")
        let job = try #require(try db.job(VideoID(validating: "video_scripted_b")))
        #expect(job.phase == .failed && job.model == "sora-2-pro" && job.seconds == "8" && job.errorCode == "moderation_blocked")
        #expect(a.last?.body.map { String(decoding: $0, as: UTF8.self) }?.contains("\"video_url\":") == true)
    }

    @Test("simulate refuses a bad scenario file with one line naming the field, exit 65")
    func badScenarioFile() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let cases: [(String, String)] = [
            (#"{"videos": [{"prompt": "x", "faults": [{"fault": "rate_limited", "retry_afer": 1}]}]}"#,
             #"videos[0].faults[0]: unknown field "retry_afer""#),
            (#"{"videos": [{"prompt": "x", "faults": [{"fault": "gremlins"}]}]}"#, #"videos[0].faults[0].fault: unknown fault "gremlins""#),
            (#"{"videos": [{"prompt": "x", "faults": [{"fault": "not_found", "count": 0}]}]}"#, "videos[0].faults[0].count: must be"),
            (#"{"quirks": ["sideways"]}"#, #"quirks[0]: unknown quirk "sideways""#),
            (#"{"videos": [{"id": "a/b", "prompt": "x"}]}"#, "videos[0].id"),
            (#"{"videos": [{"prompt": "x"}], "speed": 2}"#, #"unknown field "speed""#),
            ("{\"videos\": [", "is not valid JSON"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = runner.path("bad-\(index).json")
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            let result = try await runToEnd(runner, ["simulate", "--port", "0", "--scenario", path])
            #expect(result.status == 65, "\(text): \(result.stderr)")
            #expect(result.stderr.hasPrefix("soratrack: ") && result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("simulate --reject-all-keys answers 401 to everything: sync exits 77")
    func rejectAllKeysFlag() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        _ = FileManager.default.createFile(atPath: runner.path("key"), contents: Data("sk-any\n".utf8))
        let simulate = try runner.start(["simulate", "--port", "0", "--speed", "0", "--reject-all-keys"])
        var baseURL = ""
        try await waitUntil("the simulator's base URL", seconds: 10) {
            baseURL = ((try? String(contentsOfFile: simulate.outPath, encoding: .utf8)) ?? "")
                .split(separator: "\n").first.map(String.init) ?? ""
            return baseURL.hasPrefix("http://") || !simulate.process.isRunning
        }
        let track = try await runner.run(["track", "video_any", "--db", runner.path("jobs.sqlite"), "--base-url", baseURL,
                                          "--api-key-file", runner.path("key")])
        simulate.process.terminate()
        _ = try await simulate.wait()
        #expect(track.status == 77)
        #expect(track.stderr.contains("rejected the key"))
    }
}

// MARK: - The bench

extension FaultTests {
    /// A simulator whose clock only the test moves, a temporary folder with a key file, and the flags every run takes.
    struct Bench {
        static let key = "sk-faults-\(UUID().uuidString)"
        let simulator: VideoSimulator
        let runner: CommandRunner

        /// `--db`, `--base-url`, `--api-key-file`, `--timeout 1s`, `--retries 2`.
        var flags: [String] {
            ["--db", runner.path("jobs.sqlite"), "--base-url", simulator.baseURL.absoluteString,
             "--api-key-file", runner.path("key"), "--timeout", "1s", "--retries", "2"]
        }

        /// Creates a video that completes at once (unless told otherwise) with these faults on its retrieves.
        @discardableResult
        func video(
            _ id: String, model: String = "sora-2", seconds: String = "4", outcome: SimulatedOutcome = .completed,
            duration: Double = 0, faults: [Fault] = [], thereafter: Fault? = nil, quirks: Set<Quirk> = []
        ) -> String {
            simulator.createVideo(
                prompt: "prompt of \(id)", model: model, seconds: seconds, outcome: outcome, durationSeconds: duration,
                id: id, faults: faults, thereafter: thereafter, quirks: quirks
            ).id
        }

        /// `track --no-poll IDS`.
        func track(_ ids: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = try await runner.run(["track", "--no-poll"] + ids + flags)
            #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        }

        /// When each command run through ``run(_:)`` was launched.
        let launches = LaunchLog()

        /// Tracks `ids` without polling, then runs one `sync`.
        func sync(_ ids: [String], _ extra: [String] = []) async throws -> CommandRunner.Result {
            try await track(ids)
            return try await run(["sync"] + extra + flags)
        }

        /// Runs `soratrack ARGS`, noting when it was launched (see ``slack(atLeast:)``).
        func run(_ arguments: [String]) async throws -> CommandRunner.Result {
            launches.times.withLock { $0.append(.now) }
            return try await runner.run(arguments)
        }

        /// How late the latest run may be beyond a wait it was asked for: `minimum`, or more when this machine is
        /// slower right now, measured as how long that run took from its launch to its first request.
        func slack(atLeast minimum: Duration, sourceLocation: SourceLocation = #_sourceLocation) throws -> Duration {
            let launched = try #require(launches.times.withLock { $0.last }, sourceLocation: sourceLocation)
            let first = try #require(
                simulator.requests().map(\.arrivedAt).filter { $0 >= launched }.min(), sourceLocation: sourceLocation)
            return max(minimum, launched.duration(to: first))
        }

        func database() throws -> any HistoryStore {
            try TestBackend.open(runner.path("jobs.sqlite"))
        }

        /// Every snapshot of `id`, oldest first.
        func snapshots(_ id: String) throws -> [Snapshot] {
            try database().snapshots(of: VideoID(validating: id))
        }

        func job(_ id: String) throws -> Job {
            try #require(try database().job(VideoID(validating: id)))
        }

        /// The retrieves of `id` the simulator received, in arrival order.
        func retrieves(of id: String) -> [LoggedRequest] {
            simulator.requests().filter { $0.method == "GET" && $0.videoID == id && !$0.path.hasSuffix("/content") }
        }

        /// The time between each answer to `id` going out and the arrival of the next request: no less than the
        /// client waited after receiving it (nothing can reach the client before the server starts writing).
        func retryGaps(of id: String) throws -> [Duration] {
            let requests = retrieves(of: id)
            return try zip(requests, requests.dropFirst()).map { earlier, later in
                try #require(earlier.answeredAt).duration(to: later.arrivedAt)
            }
        }

        /// Checks that the retry after the first answer to `id` came no sooner than `wait`, and not much later.
        func expectRetryWait(of id: String, atLeast wait: Duration, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let gap = try #require(try retryGaps(of: id).first, sourceLocation: sourceLocation)
            #expect(gap >= wait, "retried after \(gap), asked \(wait)", sourceLocation: sourceLocation)
            let slack = try slack(atLeast: .milliseconds(1500), sourceLocation: sourceLocation)
            #expect(gap < wait + slack, "retried after \(gap), asked \(wait), slack \(slack)", sourceLocation: sourceLocation)
        }

        /// Checks that every request the simulator received is exactly one snapshot, in order, and that what arrived is
        /// recorded as it was sent: status, request id and body for complete responses, no status for the rest.
        func expectLedger(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await waitUntil("every answer written, cut or dropped", seconds: 10) {
                simulator.pendingRequests == 0
            }
            let requests = simulator.requests().filter { $0.method == "GET" && $0.videoID != nil }
            let sent = Dictionary(simulator.responses().map { ($0.requestID, $0) }, uniquingKeysWith: { first, _ in first })
            let db = try database()
            let recorded = try db.recordedRequestIDs()
            #expect(Set(recorded.keys) == Set(requests.filter(\.isComplete).map(\.requestID)),
                    "recorded request ids are the complete responses", sourceLocation: sourceLocation)
            #expect(recorded.values.allSatisfy { $0 == 1 }, "no response is recorded twice", sourceLocation: sourceLocation)
            for id in Set(requests.compactMap(\.videoID)).sorted() {
                let asked = requests.filter { $0.videoID == id }
                let snapshots = try db.snapshots(of: VideoID(validating: id))
                #expect(snapshots.count == asked.count, "\(id): \(asked.count) requests, \(snapshots.count) snapshots",
                        sourceLocation: sourceLocation)
                for (request, snapshot) in zip(asked, snapshots) {
                    if request.isComplete {
                        #expect(snapshot.httpStatus == request.status && snapshot.requestID == request.requestID,
                                "\(id): \(snapshot) for \(request)", sourceLocation: sourceLocation)
                        #expect(snapshot.body == sent[request.requestID]?.body, "\(id): stored body", sourceLocation: sourceLocation)
                    } else {
                        #expect(snapshot.httpStatus == nil && snapshot.requestID == nil && snapshot.body == nil,
                                "\(id): \(snapshot) for \(request.delivery)", sourceLocation: sourceLocation)
                        #expect(snapshot.pollError?.hasPrefix("transport: ") == true, sourceLocation: sourceLocation)
                    }
                    if let error = snapshot.pollError {
                        #expect(Bench.isReadable(error), "poll error \(error.debugDescription)", sourceLocation: sourceLocation)
                    }
                }
            }
        }

        /// One line, short, no source locations or type dumps.
        static func isReadable(_ text: String) -> Bool {
            !text.isEmpty && text.count <= 400 && !text.contains(where: \.isNewline)
                && ![".swift:", "Error(", "NIOCore", "HTTPClientError", "Optional("].contains { text.contains($0) }
        }
    }

    /// Launch instants of a bench's runs.
    final class LaunchLog: Sendable {
        let times = Mutex<[ContinuousClock.Instant]>([])
    }

    /// Runs `soratrack ARGS` that should end by itself; after `seconds` it is stopped and the test fails.
    func runToEnd(_ runner: CommandRunner, _ arguments: [String], seconds: Double = 10) async throws -> CommandRunner.Result {
        let running = try runner.start(arguments)
        do {
            try await waitUntil("soratrack \(arguments.joined(separator: " ")) to end", seconds: seconds) {
                !running.process.isRunning
            }
        } catch {
            running.process.terminate()
            _ = try await running.wait()
            throw error
        }
        return try await running.wait()
    }

    /// Runs `body` with a fresh bench (seeded simulator, clock stepped only by the test) and always cleans up.
    func withBench(
        rejectAllKeys: Bool = false, latency: Duration = .zero, faultRate: Double = 0,
        _ body: (Bench) async throws -> Void
    ) async throws {
        let simulator = try await VideoSimulator.start(SimulatorConfiguration(
            seed: 5, speed: 0, apiKey: Bench.key, latency: latency, failureRate: 0, faultRate: faultRate,
            rejectAllKeys: rejectAllKeys
        ))
        let runner = CommandRunner()
        _ = FileManager.default.createFile(
            atPath: runner.path("key"), contents: Data((Bench.key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let bench = Bench(simulator: simulator, runner: runner)
        do {
            try await body(bench)
        } catch {
            await simulator.stop()
            runner.remove()
            throw error
        }
        await simulator.stop()
        runner.remove()
    }
}
