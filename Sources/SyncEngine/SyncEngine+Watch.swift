import Foundation
import JobStore
import VideoAPI

extension SyncEngine {
    /// Polls every open job at once, then each again when due (every `interval`, or when the provider
    /// asked via `openai-poll-after-ms`/`retry-after`), picking up jobs tracked meanwhile by other
    /// processes, until none is open (or, with `forever`, until `stop`). In-flight polls always finish.
    public func watch(
        _ options: SyncOptions, interval: Duration, forever: Bool, stop: StopSignal, rescanEvery: Duration = .seconds(1),
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(StoreError) -> SyncSummary {
        let tally = SharedTally(Tally(total: 0))
        var lastPolled: [VideoID: Date] = [:]
        return try await recordedRun(options.command, tally: tally) { runID, _ in
            while !stop.isStopped {
                let abandoned = try database.abandonStale(now: clock.now(), giveUpAfter: options.giveUpAfter)
                tally.withLock { $0.summary.abandoned += abandoned.count }
                let open = try database.openJobs()
                if open.isEmpty && !forever { break }
                let now = clock.now()
                var due: [VideoID] = []
                var wake = now.addingTimeInterval(rescanEvery.seconds)
                for job in open {
                    let when = Self.nextPoll(job, lastPolled: lastPolled[job.videoID], interval: interval)
                    if when <= now { due.append(job.videoID) } else { wake = min(wake, when) }
                }
                let openIDs = Set(open.map(\.videoID))
                lastPolled = lastPolled.filter { openIDs.contains($0.key) }
                if due.isEmpty {
                    await sleep(wake.timeIntervalSince(now), unless: stop)
                    continue
                }
                let pollStart = clock.now()
                if database.sharesWork {
                    // Another runner may poll some of these meanwhile: claim them, and skip what it polled this round.
                    var source = ClaimSource(database: database, runID: runID, start: pollStart, lease: options.claimLease, joinOverlappingRuns: false)
                    source.candidates = due
                    defer { try? database.releaseClaims(holder: source.holder) }
                    try await pollAll([], options: options, deadline: nil, runID: runID, tally: tally, stop: stop, progress: progress, source: source)
                } else {
                    tally.withLock { $0.total += due.count }
                    try await pollAll(due, options: options, deadline: nil, runID: runID, tally: tally, stop: stop, progress: progress)
                }
                for id in due { lastPolled[id] = pollStart }
                if tally.withLock({ $0.mustStop }) { break }
            }
        }
    }

    /// When a job is due: now if never polled in this watch; else the provider's poll-after/retry-after
    /// from its latest poll when it sent one, else `interval` after the last poll.
    static func nextPoll(_ job: OpenJob, lastPolled: Date?, interval: Duration) -> Date {
        guard let lastPolled else { return .distantPast }
        if let asked = job.nextPollAt, asked > lastPolled { return asked }
        return lastPolled.addingTimeInterval(interval.seconds)
    }

    /// Sleeps on the engine's clock for `seconds`, returning early when `stop` fires.
    private func sleep(_ seconds: Double, unless stop: StopSignal) async {
        guard seconds > 0 else { return }
        let clock = clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(.milliseconds(Int64(seconds * 1000))) }
            group.addTask { await stop.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
