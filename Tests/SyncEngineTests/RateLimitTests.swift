import Foundation
import JobStore
import Synchronization
import SyncEngine
import Testing
import VideoAPI

/// The run's shared rate budget on a scripted API and a virtual clock: who waits, for how long at least, and what is
/// left for the next run.
///
/// Every sleep moves the scripted clock forward by its own length, so concurrent sleepers add up: a request can be
/// stamped later than it was let go. Spacing is therefore checked with one request in flight, and waits that several
/// workers share only as lower bounds.
@Suite("Sync engine rate limits")
struct RateLimitTests: TemporaryDatabaseSuite {
    let path = NSTemporaryDirectory() + "soratrack-ratelimit-\(UUID().uuidString).sqlite"

    /// When each request went out: the video id and the virtual time.
    final class SentLog: Sendable {
        private let entries = Mutex<[(String, Date)]>([])
        func append(_ entry: (String, Date)) { entries.withLock { $0.append(entry) } }
        func withLock<T>(_ body: ([(String, Date)]) -> T) -> T { entries.withLock { body($0) } }
    }

    /// A client on `api` paced by a limiter with `maxRPM`, and the log of when each request went out.
    func pacedClient(_ api: ScriptedAPI, maxRPM: Int? = nil, retries: Int = 2) -> (VideoAPIClient, SentLog) {
        let sent = SentLog()
        let clock = api.clock
        var client = VideoAPIClient(
            baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: "sk-test",
            transport: Transport { request in
                sent.append((String(request.url.split(separator: "/").last ?? ""), clock.now()))
                return try await api.transport.send(request)
            }, clock: clock, policy: RetryPolicy(maxRetries: retries), random: { 0 })
        client.pacer = RateLimiter(maxRequestsPerMinute: maxRPM, clock: clock).pacer
        return (client, sent)
    }

    static func gaps(_ times: [Date]) -> [Double] {
        let sorted = times.sorted()
        return zip(sorted, sorted.dropFirst()).map { $1.timeIntervalSince($0) }
    }

    static let ok: @Sendable (String) -> ScriptedAPI.Answer = { id in .json(200, ScriptedAPI.video(id, "queued")) }

    @Test("--max-rpm spaces every request of the run, retries included, at least 60/N seconds apart")
    func maxRPMSpacesRequests() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI(fallback: Self.ok)
        api.script("video_3", [.json(500, #"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#), .json(200, ScriptedAPI.video("video_3", "queued"))])
        let db = try database(tracking: (1...8).map { "video_\($0)" })
        let (client, sent) = pacedClient(api, maxRPM: 60)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock).sync(SyncOptions(concurrency: 1))
        #expect(summary.exitCode == .ok && summary.counts.jobs == 8)
        let times = sent.withLock { $0.map(\.1) }
        #expect(times.count == 9)
        #expect(Self.gaps(times).allSatisfy { $0 >= 0.999 }, "\(Self.gaps(times))")
    }

    @Test("a 429 pauses every worker for its retry-after, not only the one that got it")
    func rateLimitPausesEveryone() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI(fallback: Self.ok)
        api.script("video_1", [
            .json(429, #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#, headers: [("retry-after", "10")]),
            .json(200, ScriptedAPI.video("video_1", "queued")),
        ])
        let db = try database(tracking: (1...12).map { "video_\($0)" })
        let (client, sent) = pacedClient(api)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock).sync(SyncOptions(concurrency: 4))
        #expect(summary.exitCode == .ok && summary.counts.jobs == 12 && summary.rateLimited == 1)
        #expect(summary.line.contains("1 rate-limited"))
        let log = sent.withLock { $0 }
        let limited = try #require(log.first { $0.0 == "video_1" }?.1)
        // The first round was on its way with the 429; everything after it waited for the retry-after.
        let firstRound = log.filter { $0.1 == limited }
        #expect(firstRound.count <= 4)
        #expect(log.filter { $0.1 != limited }.allSatisfy { $0.1.timeIntervalSince(limited) >= 10 }, "\(log.map { ($0.0, $0.1.timeIntervalSince(limited)) })")
        #expect(log.count == 13)
    }

    @Test("x-ratelimit headers pace the run: with none remaining, each request waits for the API's next token")
    func headersPaceTheRun() async throws {
        defer { cleanUp() }
        let headers = [("x-ratelimit-limit-requests", "60"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "1s")]
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued"), headers: headers) }
        let db = try database(tracking: (1...10).map { "video_\($0)" })
        let (client, sent) = pacedClient(api)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock).sync(SyncOptions(concurrency: 1))
        #expect(summary.exitCode == .ok && summary.counts.jobs == 10 && summary.rateLimited == 0)
        let gaps = Self.gaps(sent.withLock { $0.map(\.1) })
        #expect(gaps.count == 9 && gaps.allSatisfy { $0 >= 0.999 }, "\(gaps)")
    }

    @Test("x-ratelimit-remaining 0 without a limit: the next request waits for the reset")
    func remainingWithoutLimitWaitsForReset() async throws {
        defer { cleanUp() }
        let headers = [("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "6m0s")]
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued"), headers: headers) }
        let db = try database(tracking: ["video_1", "video_2", "video_3"])
        let (client, sent) = pacedClient(api)
        _ = try await SyncEngine(database: db, client: client, clock: api.clock).sync(SyncOptions(concurrency: 1))
        let gaps = Self.gaps(sent.withLock { $0.map(\.1) })
        #expect(gaps.count == 2 && gaps.allSatisfy { $0 >= 360 }, "\(gaps)")
    }

    @Test("jobs the budget cannot reach before --max-duration are left for the next run, not errors; exit 0")
    func unreachedJobsAreNotErrors() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI(fallback: Self.ok)
        let ids = (1...10).map { "video_\($0)" }
        let db = try database(tracking: ids)
        let (client, sent) = pacedClient(api, maxRPM: 60)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock)
            .sync(SyncOptions(concurrency: 2, maxDuration: .milliseconds(3500)))
        #expect(summary.exitCode == .ok && summary.counts.pollErrors == 0)
        #expect(summary.deadlineReached && summary.skipped > 0 && summary.counts.jobs + summary.skipped == ids.count)
        #expect(summary.line.contains("\(summary.skipped) left for the next run"))
        let asked = Set(sent.withLock { $0.map(\.0) })
        #expect(asked.count == summary.counts.jobs)
        for id in ids where !asked.contains(id) {
            #expect(try db.snapshots(of: VideoID(validating: id)).isEmpty)
        }
        #expect(try db.counts().snapshots == asked.count)
    }

    @Test("a 429 asking to wait longer than 120 s stops the run: the rest are untouched, exit 1")
    func longRateLimitStopsTheRun() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI(fallback: Self.ok)
        api.script("video_1", [.json(429, #"{"error":{"message":"Rate limit reached. Please try again in 600s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#, headers: [("retry-after", "600")])])
        let ids = (1...10).map { "video_\($0)" }
        let db = try database(tracking: ids)
        let (client, sent) = pacedClient(api)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock).sync(SyncOptions(concurrency: 1))
        guard case .rateLimited(let wait, _)? = summary.stop else {
            Issue.record("the run did not stop: \(String(describing: summary.stop))")
            return
        }
        #expect(wait == .seconds(600))
        #expect(summary.exitCode == .partial)
        #expect(sent.withLock { $0.count } == 1 && summary.skipped == ids.count - 1)
    }

    @Test("watch shares the limiter: --max-rpm spaces its polls too")
    func watchIsPaced() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "completed")) }
        let db = try database(tracking: (1...6).map { "video_\($0)" })
        let (client, sent) = pacedClient(api, maxRPM: 30)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock)
            .watch(SyncOptions(concurrency: 1, command: "watch"), interval: .seconds(10), forever: false, stop: StopSignal())
        #expect(summary.exitCode == .ok && summary.counts.completed == 6)
        let gaps = Self.gaps(sent.withLock { $0.map(\.1) })
        #expect(gaps.count == 5 && gaps.allSatisfy { $0 >= 1.999 }, "\(gaps)")
    }

    @Test("the first request of a run goes alone: what its answer says about the budget paces the others")
    func firstRequestGoesAlone() async throws {
        defer { cleanUp() }
        // On the real clock: the scripted clock's sleeps return at once, so waiting for an answer there would spin
        // through virtual time before the answer's task gets to run. 600 a minute is one every 0.1 s.
        let headers = [("x-ratelimit-limit-requests", "600"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "100ms")]
        let api = ScriptedAPI { id in .json(200, ScriptedAPI.video(id, "queued"), headers: headers) }
        let ids = (1...6).map { "video_\($0)" }
        let db = try database(tracking: ids)
        let sent = SentLog()
        var client = VideoAPIClient(
            baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: "sk-test",
            transport: Transport { request in
                sent.append((String(request.url.split(separator: "/").last ?? ""), Date()))
                return try await api.transport.send(request)
            }, clock: .live, random: { 0 })
        // A long wait for the first answer, so that a loaded machine never lets the others go before it arrives.
        client.pacer = RateLimiter(firstAnswerWait: .seconds(10), clock: .live).pacer
        // `poll`, not `sync`: on the real clock these jobs, tracked in the scripted past, would be abandoned as too old.
        let summary = try await SyncEngine(database: db, client: client, clock: .live)
            .poll(ids.map { try VideoID(validating: $0) }, options: SyncOptions(concurrency: 4))
        #expect(summary.exitCode == .ok && summary.counts.jobs == 6)
        let times = sent.withLock { $0.map(\.1) }.sorted()
        let first = try #require(times.first)
        #expect(times.dropFirst().allSatisfy { $0.timeIntervalSince(first) >= 0.099 }, "\(times.map { $0.timeIntervalSince(first) })")
    }

    @Test("answers handled out of order: an older answer's larger remaining count hands out no token the API lacks")
    func answersOutOfOrder() async throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let clock = APIClock(now: { now.withLock { $0 } }, sleep: { duration in
            now.withLock { $0 += Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        })
        let limiter = RateLimiter(clock: clock)
        let budget: (Int) -> [(String, String)] = {
            [("x-ratelimit-limit-requests", "60"), ("x-ratelimit-remaining-requests", "\($0)")]
        }
        // The first request goes alone; its answer says 3 of the API's 4 tokens are left.
        #expect(await limiter.acquire())
        limiter.answered(status: 200, headers: budget(3), at: clock.now())
        // Three more use them up; their answers come back newest first.
        for _ in 0..<3 { #expect(await limiter.acquire()) }
        let spent = clock.now()
        for remaining in [0, 1, 2] { limiter.answered(status: 200, headers: budget(remaining), at: spent) }
        // The next request waits for the API's next token (one a second at 60 a minute).
        #expect(await limiter.acquire())
        #expect(clock.now().timeIntervalSince(spent) >= 0.999, "\(clock.now().timeIntervalSince(spent))")
    }

    @Test("a 429 whose retry --max-duration cuts short is left for the next run, not an error; exit 0")
    func rateLimitCutByDeadlineIsNoError() async throws {
        defer { cleanUp() }
        let api = ScriptedAPI(fallback: Self.ok)
        api.script("video_1", [.json(429, #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#, headers: [("retry-after", "10")])])
        let ids = (1...5).map { "video_\($0)" }
        let db = try database(tracking: ids)
        let (client, sent) = pacedClient(api)
        let summary = try await SyncEngine(database: db, client: client, clock: api.clock)
            .sync(SyncOptions(concurrency: 1, maxDuration: .seconds(5)))
        #expect(summary.exitCode == .ok && summary.counts.pollErrors == 0)
        #expect(summary.deferred == 1 && summary.rateLimited == 1)
        #expect(summary.skipped == ids.count - 1 && sent.withLock { $0.count } == 1)
        #expect(summary.line.contains("0 errors, 1 rate-limited, \(ids.count) left for the next run"), "\(summary.line)")
        #expect(try db.snapshots(of: VideoID(validating: "video_1")).map(\.httpStatus) == [429])
    }

    @Test("x-ratelimit-reset-requests is read as OpenAI writes it")
    func resetText() {
        #expect(RateLimiter.seconds(resetText: "20ms") == 0.02)
        #expect(RateLimiter.seconds(resetText: "1s") == 1)
        #expect(RateLimiter.seconds(resetText: "1.5s") == 1.5)
        #expect(RateLimiter.seconds(resetText: "6m0s") == 360)
        #expect(RateLimiter.seconds(resetText: "1h2m3.5s") == 3723.5)
        #expect(RateLimiter.seconds(resetText: "7") == 7)
        #expect(RateLimiter.seconds(resetText: "soon") == nil)
        #expect(RateLimiter.seconds(resetText: "5x") == nil)
        #expect(RateLimiter.seconds(resetText: "") == nil)
        #expect(RateLimiter.seconds(resetText: "-3") == nil)
    }
}
