// soratrack-seed: fills a database with a large, realistic synthetic history for benchmarks.
//
//   soratrack-seed --db PATH [--jobs 100000] [--snapshots 2000000] [--seed 1] [--days 30] [--end UNIX_SECONDS]
//
// Jobs are created over `--days` days before `--end` (default: now, to the hour): sora-2 and sora-2-pro,
// several sizes and lengths, about 88% completed (expires_at = completed_at + 1 h), 10% failed (error codes
// including null and empty ones, some without completed_at), some still running, a few abandoned or not found.
// Polls are recorded in time order, grouped into 5-minute sync runs, through the same JobStore API `sync`
// uses (`track`, `record`), so every table, body and index is exactly what a real history would hold. Some
// polls are 429/5xx answers followed by their retry, or transport failures. The same --seed gives the same data.

import Foundation
import JobStore
import VideoModel

/// A small deterministic random source (SplitMix64), so `--seed` reproduces a database exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func pick<T>(_ weighted: [(T, Double)]) -> T {
        var roll = unit() * weighted.reduce(0) { $0 + $1.1 }
        for (value, weight) in weighted {
            roll -= weight
            if roll < 0 { return value }
        }
        return weighted[weighted.count - 1].0
    }
}

/// How a synthetic job ends.
enum Outcome {
    case completed, failed, running, abandoned, notFound
}

/// One synthetic job and the plan of its polls.
struct SeedJob {
    var id: VideoID
    var model: String
    var size: String
    var seconds: String
    var prompt: String
    var label: String?
    var createdAt: Int64
    /// When the provider finishes it (completed or failed), if it does.
    var finishedAt: Int64?
    var outcome: Outcome
    var errorCode: String?
    var failedWithoutCompletedAt = false
    var polls = 1
}

struct SeedOptions {
    var path = ""
    var jobs = 100_000
    var snapshots = 2_000_000
    var seed: UInt64 = 1
    var days = 30
    var end = Int64(Date().timeIntervalSince1970) / 3600 * 3600

    static func parse(_ arguments: [String]) -> SeedOptions {
        var options = SeedOptions()
        var index = 0
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number<T: FixedWidthInteger>(_ name: String) -> T {
            let text = value()
            guard let number = T(text), number >= 0 else { fail("\(name) needs a whole number, not \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--db": options.path = value()
            case "--jobs": options.jobs = number("--jobs")
            case "--snapshots": options.snapshots = number("--snapshots")
            case "--seed": options.seed = number("--seed")
            case "--days": options.days = max(1, number("--days"))
            case "--end": options.end = number("--end")
            case "--help", "-h":
                print("usage: soratrack-seed --db PATH [--jobs 100000] [--snapshots 2000000] [--seed 1] [--days 30] [--end UNIX_SECONDS]")
                exit(0)
            default: fail("unknown argument \(arguments[index]) (see --help)")
            }
            index += 1
        }
        if options.path.isEmpty { fail("--db PATH is required") }
        if options.jobs < 1 { fail("--jobs must be at least 1") }
        if options.snapshots < options.jobs { fail("--snapshots must be at least --jobs (every job is polled once)") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("soratrack-seed: \(message)\n".utf8))
    exit(64)
}

let subjects = [
    "a paper airplane over a city", "a red fox in snow", "waves on a black sand beach at dusk",
    "a robot watering plants", "time-lapse of clouds over mountains", "a cat chasing a laser dot",
    "neon street in the rain, cinematic", "a hot-air balloon festival", "an astronaut riding a horse",
    "close-up of coffee being poured", "a lighthouse in a storm", "children flying kites in a park",
]
let styles = ["", ", 35mm film", ", slow motion", ", drone shot", ", watercolor style", ", golden hour", ", handheld"]
let trickyPrompts = [
    "a sign that says \"OPEN, 24/7\"", "line one\nline two", "=SUM(A1:A3) as a neon sign", "café crème ☕️ at dawn 🌅",
    "東京の夜景, 4K", "tabs\tand, commas", "windows line\r\nend",
]

func makeJobs(_ options: SeedOptions, random: inout SeededRandom) -> [SeedJob] {
    let start = options.end - Int64(options.days) * 86400
    var jobs: [SeedJob] = []
    jobs.reserveCapacity(options.jobs)
    for index in 0..<options.jobs {
        let hex = (0..<2).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined()
        let id = try! VideoID(validating: "video_" + hex)
        let pro = random.unit() < 0.3
        let model = pro ? "sora-2-pro" : "sora-2"
        let size = pro
            ? random.pick([("1280x720", 4.0), ("720x1280", 4), ("1792x1024", 1), ("1024x1792", 1)])
            : random.pick([("1280x720", 1.0), ("720x1280", 1)])
        let seconds = random.pick([("4", 5.0), ("8", 3), ("12", 2)])
        var prompt = subjects[Int(random.next() % UInt64(subjects.count))] + styles[Int(random.next() % UInt64(styles.count))]
        if random.unit() < 0.01 { prompt = trickyPrompts[Int(random.next() % UInt64(trickyPrompts.count))] }
        // Creation spread over the period, slightly busier towards the end.
        let createdAt = start + Int64(pow(random.unit(), 0.9) * Double(options.end - start - 60))
        // Generation time: grows with length and model, log-normal noise, plus queueing.
        let base = (pro ? 150.0 : 45.0) + Double(seconds)! * (pro ? 30 : 9)
        let noise = exp((random.unit() + random.unit() + random.unit() - 1.5) * 0.6)
        let queue = random.unit() < 0.1 ? random.unit() * 600 : random.unit() * 30
        let duration = Int64(base * noise + queue)
        var job = SeedJob(
            id: id, model: model, size: size, seconds: seconds, prompt: prompt,
            label: random.pick([("marketing", 3.0), ("batch-\(index % 7)", 2), ("", 5)]),
            createdAt: createdAt, finishedAt: createdAt + duration, outcome: .completed)
        if job.label == "" { job.label = nil }
        let roll = random.unit()
        if roll < 0.10 {
            job.outcome = .failed
            job.finishedAt = createdAt + duration / 3
            job.errorCode = random.pick([
                ("moderation_blocked", 5.0), ("internal_error", 2), ("video_generation_failed", 2), ("", 0.5), ("none", 1.5),
            ])
            if job.errorCode == "none" { job.errorCode = nil }
            job.failedWithoutCompletedAt = random.unit() < 0.3
        } else if roll < 0.105 {
            job.outcome = .abandoned
            job.finishedAt = nil
        } else if roll < 0.11 {
            job.outcome = .notFound
            job.finishedAt = nil
        }
        if let finishedAt = job.finishedAt, finishedAt > options.end - 60 { job.outcome = .running }
        jobs.append(job)
    }
    return jobs.sorted { $0.createdAt < $1.createdAt }
}

/// When the last poll of `job` happens (unix seconds): just after it finishes, or when polling stops.
func lastPoll(_ job: SeedJob, end: Int64) -> Int64 {
    switch job.outcome {
    case .notFound: return min(job.createdAt + 900, end)
    case .abandoned: return min(job.createdAt + 86400, end)
    default: return min((job.finishedAt ?? end) + 20, end)
    }
}

/// Spreads the snapshot budget over the jobs, more polls for longer jobs (every job gets at least one).
func assignPolls(_ jobs: inout [SeedJob], total: Int, end: Int64, random: inout SeededRandom) {
    // Long-stuck jobs are polled less often (as a cron interval would): weight at most one hour.
    let spans = jobs.map { Double(min(3600, max(60, lastPoll($0, end: end) - $0.createdAt))) }
    let sum = spans.reduce(0, +)
    let extra = total - jobs.count
    var assigned = 0
    for index in jobs.indices {
        let count = 1 + Int(Double(extra) * spans[index] / sum)
        jobs[index].polls = min(count, Int(UInt16.max))
        assigned += jobs[index].polls
    }
    while assigned < total {
        let index = Int(random.next() % UInt64(jobs.count))
        guard jobs[index].polls < Int(UInt16.max) else { continue }
        jobs[index].polls += 1
        assigned += 1
    }
}

/// One planned poll: which job, which of its polls, and when (unix ms).
struct PlannedPoll {
    var job: Int32
    var index: UInt16
    var at: Int64
}

func plan(_ jobs: [SeedJob], end: Int64) -> [PlannedPoll] {
    var polls: [PlannedPoll] = []
    polls.reserveCapacity(jobs.reduce(0) { $0 + $1.polls })
    for (jobIndex, job) in jobs.enumerated() {
        let first = job.createdAt * 1000 + 2000
        let last = max(first, lastPoll(job, end: end) * 1000)
        let step = job.polls > 1 ? max(1, (last - first) / Int64(job.polls - 1)) : 0
        for index in 0..<job.polls {
            polls.append(PlannedPoll(job: Int32(jobIndex), index: UInt16(index), at: min(first + Int64(index) * step, end * 1000)))
        }
    }
    polls.sort { ($0.at, $0.job, $0.index) < ($1.at, $1.job, $1.index) }
    return polls
}

func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// The attempt (and, for a retried error, the attempt before it) for poll `index` of `job` at `at` ms.
func attempts(for job: SeedJob, index: Int, at: Int64, random: inout SeededRandom) -> [PollAttempt] {
    let date = Date(timeIntervalSince1970: Double(at) / 1000)
    let requestID = "req_" + String(random.next(), radix: 16).leftPadded(16) + String(random.next() >> 32, radix: 16).leftPadded(8)
    if job.outcome == .notFound && index > 0 {
        let body = #"{"error":{"message":"Video not found","type":"invalid_request_error","param":null,"code":"not_found"}}"#
        return [PollAttempt(
            videoID: job.id, attempt: 0, startedAt: date, finishedAt: date, httpStatus: 404, requestID: requestID,
            body: Data(body.utf8), contentType: "application/json",
            apiError: APIErrorInfo(code: "not_found", message: "Video not found", type: "invalid_request_error"),
            pollError: "HTTP 404 not_found: Video not found")]
    }
    let seconds = at / 1000
    var status = "queued"
    var progress = 0
    var completedAt: Int64?
    var expiresAt: Int64?
    var error: APIErrorInfo?
    let span = Double(max(1, (job.finishedAt ?? seconds + 600) - job.createdAt))
    let fraction = Double(seconds - job.createdAt) / span
    if let finishedAt = job.finishedAt, seconds >= finishedAt, job.outcome == .completed || job.outcome == .failed {
        if job.outcome == .completed {
            status = "completed"
            progress = 100
            completedAt = finishedAt
            expiresAt = finishedAt + 3600
        } else {
            status = "failed"
            completedAt = job.failedWithoutCompletedAt ? nil : finishedAt
            error = APIErrorInfo(code: job.errorCode, message: "The video could not be generated (\(job.errorCode ?? "no code")).")
        }
    } else if fraction > 0.1 {
        status = "in_progress"
        progress = min(99, Int(fraction * 100) / 5 * 5)
    }
    let errorJSON = error.map { #"{"code":\#(jsonString($0.code ?? "")),"message":\#(jsonString($0.message ?? ""))}"# } ?? "null"
    let body = """
        {"id":"\(job.id.rawValue)","object":"video","created_at":\(job.createdAt),"status":"\(status)","model":"\(job.model)",\
        "progress":\(progress),"seconds":"\(job.seconds)","size":"\(job.size)","prompt":\(jsonString(job.prompt)),\
        "completed_at":\(completedAt.map(String.init) ?? "null"),"expires_at":\(expiresAt.map(String.init) ?? "null"),\
        "error":\(errorJSON),"remixed_from_video_id":null}
        """
    let video = Video(
        id: job.id.rawValue, status: status, object: "video", model: job.model, progress: progress, createdAt: job.createdAt,
        completedAt: completedAt, expiresAt: expiresAt, prompt: job.prompt, size: job.size, seconds: job.seconds, error: error)
    let success = PollAttempt(
        videoID: job.id, attempt: 0, startedAt: date, finishedAt: date.addingTimeInterval(0.2), httpStatus: 200,
        requestID: requestID, body: Data(body.utf8), contentType: "application/json", video: video)
    let roll = random.unit()
    guard roll < 0.035 else { return [success] }
    // A failed first try, recorded too, then the retry that got the video.
    var retry = success
    retry.attempt = 1
    retry.startedAt = date.addingTimeInterval(1)
    if roll < 0.005 {
        return [PollAttempt(videoID: job.id, attempt: 0, startedAt: date, finishedAt: date.addingTimeInterval(30),
                            pollError: "transport: the request timed out"), retry]
    }
    let code = roll < 0.025 ? 429 : 502
    let errorBody = code == 429
        ? #"{"error":{"message":"Rate limit reached, retry later","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"#
        : "<html><body><h1>502 Bad Gateway</h1></body></html>"
    return [PollAttempt(
        videoID: job.id, attempt: 0, startedAt: date, finishedAt: date.addingTimeInterval(0.1), httpStatus: code,
        requestID: "req_" + String(random.next(), radix: 16), body: Data(errorBody.utf8),
        contentType: code == 429 ? "application/json" : "text/html",
        apiError: code == 429 ? APIErrorInfo(code: "rate_limit_exceeded", message: "Rate limit reached, retry later") : nil,
        pollError: code == 429 ? "HTTP 429 rate_limit_exceeded: Rate limit reached, retry later" : "HTTP 502: Bad Gateway",
        retryAfter: .seconds(1)), retry]
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

func seconds(_ duration: Duration) -> String {
    String(format: "%.3f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

func seed() throws {
    let options = SeedOptions.parse(Array(CommandLine.arguments.dropFirst()))
    let started = Date()
    let database = try JobDatabase(path: options.path)
    let existing = try database.counts()
    if existing.jobs > 0 { fail("\(options.path) already holds \(existing.jobs) jobs: remove it or pass another --db") }
    var random = SeededRandom(state: options.seed)
    var jobs = makeJobs(options, random: &random)
    // A retried error adds a snapshot: budget for them so the total lands near --snapshots.
    assignPolls(&jobs, total: max(options.jobs, Int(Double(options.snapshots) / 1.035)), end: options.end, random: &random)
    let polls = plan(jobs, end: options.end)

    var recorded = 0
    var cursor = 0
    // Time spent inside JobStore writes (track, record, runs), without generating the data; and inside
    // `record` alone (the snapshot, job update and body writes of every poll, as sync makes them).
    var storeTime = Duration.zero
    var recordTime = Duration.zero
    let clock = ContinuousClock()
    func timed<T>(_ body: () throws -> T) rethrows -> T {
        let start = clock.now
        defer { storeTime += clock.now - start }
        return try body()
    }
    func timedRecord(_ batch: [PollAttempt], runID: Int64) throws -> Int {
        let start = clock.now
        defer { recordTime += clock.now - start }
        return try timed { try database.record(batch, runID: runID).count }
    }
    let runLength: Int64 = 300_000
    while cursor < polls.count {
        let runStart = polls[cursor].at / runLength * runLength
        var runEnd = cursor
        while runEnd < polls.count && polls[runEnd].at < runStart + runLength { runEnd += 1 }
        let runDate = Date(timeIntervalSince1970: Double(runStart) / 1000)
        let runID = try timed { try database.startRun(command: "sync", at: runDate) }
        var batch: [PollAttempt] = []
        for poll in polls[cursor..<runEnd] {
            if poll.index == 0 {
                // Tracked a second after it was created (as `track` of a saved create response), then polled.
                let job = jobs[Int(poll.job)]
                _ = try timed { try database.track([job.id], label: job.label, at: Date(timeIntervalSince1970: Double(job.createdAt + 1))) }
            }
            batch += attempts(for: jobs[Int(poll.job)], index: Int(poll.index), at: poll.at, random: &random)
            if batch.count >= 2000 {
                recorded += try timedRecord(batch, runID: runID)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { recorded += try timedRecord(batch, runID: runID) }
        var counts = SyncRunCounts()
        counts.jobs = runEnd - cursor
        counts.attempts = runEnd - cursor
        try timed { try database.finishRun(runID, counts: counts, exitCode: .ok, at: runDate.addingTimeInterval(2)) }
        cursor = runEnd
    }
    let abandoned = try database.abandonStale(now: Date(timeIntervalSince1970: Double(options.end)), giveUpAfter: .seconds(86400))
    let counts = try database.counts()
    print(
        "seeded \(options.path): \(counts.jobs) jobs, \(counts.snapshots) snapshots, \(counts.bodies) bodies, "
            + "\(counts.runs) runs, \(abandoned.count) abandoned; end \(options.end) "
            + "(\(String(format: "%.1f", Date().timeIntervalSince(started))) s, "
            + "store_seconds=\(seconds(storeTime)), record_seconds=\(seconds(recordTime)))")
    _ = recorded
}

do {
    try seed()
} catch {
    FileHandle.standardError.write(Data("soratrack-seed: \(error)\n".utf8))
    exit(74)
}
