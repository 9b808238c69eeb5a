import Foundation
import JobStore
import Logging
import Synchronization
import VideoAPI

/// Polls open jobs with bounded concurrency and records every attempt as it arrives (group-committed).
public struct SyncEngine: Sendable {
    let database: any HistoryStore
    let client: VideoAPIClient
    let clock: APIClock
    let logger: Logger

    public init(database: any HistoryStore, client: VideoAPIClient, clock: APIClock = .live, logger: Logger = Logger(label: "soratrack.sync")) {
        self.database = database
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// The cron entry point: abandons stale jobs, then polls every open job once. On a history several runners share
    /// (PostgreSQL), the jobs come in claimed batches instead, so that runners started together split them.
    public func sync(_ options: SyncOptions, progress: (@Sendable (SyncProgress) -> Void)? = nil) async throws(StoreError) -> SyncSummary {
        let start = clock.now()
        let abandoned = try database.abandonStale(now: start, giveUpAfter: options.giveUpAfter)
        for id in abandoned { logger.info("abandoned \(id): not finished \(options.giveUpAfter) after creation") }
        var summary: SyncSummary
        if database.sharesWork {
            summary = try await pollClaimed(options: options, progress: progress)
        } else {
            summary = try await poll(try database.openJobs().map(\.videoID), options: options, progress: progress)
        }
        summary.abandoned = abandoned.count
        return summary
    }

    /// Polls `ids` once each (with retries), recording every attempt; the run is stored in `sync_run`.
    public func poll(_ ids: [VideoID], options: SyncOptions, progress: (@Sendable (SyncProgress) -> Void)? = nil) async throws(StoreError) -> SyncSummary {
        let tally = SharedTally(Tally(total: ids.count))
        var summary = try await recordedRun(options.command, tally: tally) { runID, start in
            let deadline = options.maxDuration.map { start.addingTimeInterval($0.seconds) }
            try await pollAll(ids, options: options, deadline: deadline, runID: runID, tally: tally, stop: nil, progress: progress)
        }
        summary.skipped = ids.count - summary.counts.jobs
        return summary
    }

    /// Polls the open jobs of a shared history in claimed batches until none is left unpolled in this round (runs
    /// that overlap form one round), waiting for other runners' claims to be released or to lapse; releases its
    /// claims at the end.
    func pollClaimed(options: SyncOptions, progress: (@Sendable (SyncProgress) -> Void)?) async throws(StoreError) -> SyncSummary {
        let tally = SharedTally(Tally(total: 0))
        var unclaimed = 0
        var summary = try await recordedRun(options.command, tally: tally) { runID, start in
            let deadline = options.maxDuration.map { start.addingTimeInterval($0.seconds) }
            let source = ClaimSource(database: database, runID: runID, start: start, lease: options.claimLease, joinOverlappingRuns: true)
            defer { try? database.releaseClaims(holder: source.holder) }
            try await pollAll([], options: options, deadline: deadline, runID: runID, tally: tally, stop: nil, progress: progress, source: source)
            // A run cut short (deadline, rejected key, open breaker) leaves the due jobs nobody claimed to the next run.
            unclaimed = try source.claim(limit: 0, now: clock.now()).unclaimed
        }
        // Claimed but not polled, and due but never claimed: both wait for the next run.
        summary.skipped = tally.withLock { $0.total } - summary.counts.jobs + unclaimed
        return summary
    }

    /// How often (seconds) a runner whose due jobs are all held by other runners looks again. A live runner releases
    /// its claims when its run ends, so the one waiting for it learns within this time that nothing is left; one look
    /// is one short query. At 1 s, two runners sharing 80 jobs took longer than one alone (bench/postgres.sh).
    static let lookAgainInterval = 0.1

    /// Runs `body` as one row of `sync_run`, opened before and closed after, also when a write fails (exit 74).
    func recordedRun(
        _ command: String, tally: SharedTally, _ body: (_ runID: Int64, _ start: Date) async throws -> Void
    ) async throws(StoreError) -> SyncSummary {
        let start = clock.now()
        let runID = try database.startRun(command: command, at: start)
        do {
            try await body(runID, start)
        } catch {
            let storeError = (error as? StoreError) ?? .io(path: database.location, reason: "\(error)")
            try? database.finishRun(runID, counts: tally.withLock { $0.counts }, exitCode: .ioError, at: clock.now())
            throw storeError
        }
        var summary = tally.withLock { $0.summary }
        summary.stillOpen = try database.openJobs().count
        summary.elapsedSeconds = clock.now().timeIntervalSince(start)
        try database.finishRun(runID, counts: summary.counts, exitCode: summary.exitCode, at: clock.now())
        return summary
    }

    /// Polls `ids` with up to `options.concurrency` requests in flight. Stops starting requests at `deadline`, at
    /// `stop` (for `watch`), at the first 401/403 and when the circuit breaker opens; a stop for a rejected key or an
    /// open breaker also cuts short the retries and waits of the polls in flight, whose requests already on the wire
    /// still finish and are recorded.
    func pollAll(
        _ ids: [VideoID], options: SyncOptions, deadline: Date?, runID: Int64, tally: SharedTally, stop: StopSignal?,
        progress: (@Sendable (SyncProgress) -> Void)?, source: ClaimSource? = nil
    ) async throws {
        let writer = SnapshotWriter(database: database, runID: runID)
        let halt = StopSignal()
        let clock = clock
        tally.withLock { $0.breaker = $0.breaker ?? CircuitBreaker(concurrency: options.concurrency, retries: client.policy.maxRetries) }
        try await withThrowingTaskGroup(of: PollEvent.self) { group in
            // Wakes the loop below as soon as the run must stop, so waits are cut short at once.
            group.addTask {
                await withTaskGroup(of: Void.self) { either in
                    either.addTask { await halt.wait() }
                    if let stop { either.addTask { await stop.wait() } }
                    await either.next()
                    either.cancelAll()
                }
                return .stopped
            }
            var pending = ids[...]
            var inFlight = 0
            var watching = true
            /// Claims may still bring jobs (a shared history), and a look again at them is scheduled.
            var claimsLeft = source != nil
            var sleeping = false
            func mustStop() -> Bool { tally.withLock { $0.mustStop } }
            func mayLaunch() -> Bool {
                if mustStop() { return false }
                if let stop, stop.isStopped { return false }
                if tally.withLock({ $0.summary.deadlineReached }) { return false }
                if let deadline, clock.now() >= deadline {
                    tally.withLock { $0.summary.deadlineReached = true }
                    return false
                }
                return true
            }
            func launch() {
                guard let id = pending.popFirst() else { return }
                tally.withLock { $0.counts.jobs += 1 }
                inFlight += 1
                group.addTask {
                    try await pollOne(id, deadline: deadline, writer: writer, tally: tally, halt: halt)
                    if let progress { progress(tally.withLock { $0.progress }) }
                    return .polled
                }
            }
            /// Claims the next batch; when other runners hold every due job left, looks again when the first of their
            /// claims lapses or after `lookAgainInterval`, whichever comes first (a live runner releases its claims sooner).
            func refill() throws {
                guard let source, claimsLeft, !sleeping, pending.isEmpty, mayLaunch() else { return }
                let batch = try source.claim(limit: max(1, options.concurrency), now: clock.now())
                if !batch.jobs.isEmpty {
                    pending = batch.jobs[...]
                    tally.withLock { $0.total += batch.jobs.count }
                    return
                }
                guard batch.heldElsewhere > 0 else {
                    claimsLeft = false
                    return
                }
                let untilExpiry = Double((batch.nextExpiry ?? 0) - Timestamp.milliseconds(clock.now())) / 1000
                let wait = min(Self.lookAgainInterval, max(0.02, untilExpiry))
                sleeping = true
                group.addTask {
                    try? await clock.sleep(.milliseconds(Int64(wait * 1000)))
                    return .lookAgain
                }
            }
            func fill() throws {
                while inFlight < max(1, options.concurrency) {
                    if pending.isEmpty { try refill() }
                    guard !pending.isEmpty, mayLaunch() else { break }
                    launch()
                }
            }
            func idle() -> Bool { inFlight == 0 && !sleeping }
            try fill()
            if idle() { group.cancelAll() }  // nothing to poll: release the watcher
            while let event = try await group.next() {
                switch event {
                case .polled: inFlight -= 1
                case .lookAgain: sleeping = false
                case .stopped:
                    watching = false
                    if mustStop() || (stop?.isStopped ?? false) { group.cancelAll() }
                }
                if mustStop() {
                    group.cancelAll()  // a rejected key or an open breaker: no more requests, no more waits
                    continue
                }
                try fill()
                if idle(), watching { group.cancelAll() }  // every poll is done: release the watcher
            }
        }
    }

    private func pollOne(_ id: VideoID, deadline: Date?, writer: SnapshotWriter, tally: SharedTally, halt: StopSignal) async throws {
        let logger = logger
        let longestWait = client.policy.maxRetryAfter
        let sent = try await client.poll(id, deadline: deadline) { attempt in
            let recorded = try await writer.record(attempt)
            let mustStop = tally.withLock { $0.add(attempt, recorded, longestWait: longestWait) }
            logger.debug("recorded \(attempt.requestID ?? "-") for \(id): HTTP \(attempt.httpStatus.map(String.init) ?? "none"), \(recorded.after.rawValue)")
            if let error = attempt.pollError {
                logger.debug("\(id) attempt \(attempt.attempt + 1): \(error)")
            }
            if mustStop { halt.stop() }
        }
        guard let final = sent else {
            // The rate budget had no slot before the deadline (or the run stopped): the job waits for the next run.
            tally.withLock { $0.notReached(byDeadline: deadline != nil) }
            logger.debug("\(id): not polled (no request slot before the run ended); left for the next run")
            return
        }
        // A 429 that still had retries left was cut short by the run's end: the job waits for the next run.
        let deferred = final.httpStatus == 429 && final.attempt < client.policy.maxRetries
            && (final.retryAfter.map { $0 <= longestWait } ?? true)
        tally.withLock { $0.finish(final, deferred: deferred) }
        if deferred {
            logger.notice("\(id): \(final.pollError ?? "HTTP 429"); left for the next run")
        } else if final.video == nil, let error = final.pollError {
            logger.notice("\(id): \(error)")
        }
    }
}

/// A `Tally` behind a lock, shared by the poll tasks of one run.
final class SharedTally: Sendable {
    private let state: Mutex<Tally>

    init(_ tally: Tally) { state = Mutex(tally) }

    func withLock<T>(_ body: (inout Tally) -> T) -> T { state.withLock { body(&$0) } }
}

/// Counters of one run.
struct Tally: Sendable {
    var summary = SyncSummary()
    var done = 0
    var total: Int
    /// Watches the attempts of the run for an outage (created by the first poll round).
    var breaker: CircuitBreaker?

    init(total: Int) { self.total = total }

    var counts: SyncRunCounts {
        get { summary.counts }
        set { summary.counts = newValue }
    }

    var progress: SyncProgress { SyncProgress(done: done, total: total, errors: summary.counts.pollErrors) }

    /// True once the run must start no more requests: a rejected key, or an open breaker.
    var mustStop: Bool { summary.authFailure != nil || summary.stop != nil }

    /// Counts a recorded attempt; returns true when it makes the run stop at once: a rejected key, an open breaker, or
    /// a 429 asking to wait longer than `longestWait`.
    mutating func add(_ attempt: PollAttempt, _ recorded: RecordedPoll, longestWait: Duration) -> Bool {
        counts.attempts += 1
        if attempt.httpStatus != nil { counts.responses += 1 }
        if attempt.httpStatus == 429 {
            summary.rateLimited += 1
            if let wait = attempt.retryAfter, wait > longestWait, summary.stop == nil, summary.authFailure == nil {
                summary.stop = .rateLimited(wait: wait, lastError: attempt.pollError ?? "HTTP 429")
            }
        }
        if recorded.becameTerminal {
            switch recorded.after {
            case .completed: counts.completed += 1
            case .failed: counts.failed += 1
            case .notFound: summary.notFound += 1
            default: break
            }
        }
        if attempt.isAuthFailure, summary.authFailure == nil {
            summary.authFailure = attempt.pollError ?? "HTTP \(attempt.httpStatus ?? 0)"
        }
        if summary.authFailure == nil, summary.stop == nil, let stop = breaker?.observe(attempt) {
            summary.stop = stop
        }
        return mustStop
    }

    /// A job whose first request never went (no slot before the deadline, or the run stopped): not polled, not an
    /// error; the next run polls it. A slot missed by the deadline ends the launching of others too.
    mutating func notReached(byDeadline: Bool) {
        counts.jobs -= 1
        done += 1
        if byDeadline { summary.deadlineReached = true }
    }

    /// Counts a job's last attempt: a poll error when it got no video, unless it is `deferred` (rate limited when the
    /// run ended, with retries left).
    mutating func finish(_ final: PollAttempt, deferred: Bool = false) {
        done += 1
        if deferred {
            summary.deferred += 1
            return
        }
        if final.video == nil {
            counts.pollErrors += 1
            if summary.firstError == nil { summary.firstError = final.pollError }
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// How a sync run polls.
public struct SyncOptions: Sendable {
    /// Requests in flight at once.
    public var concurrency: Int
    /// Stop launching requests this long after the start (nil: no limit).
    public var maxDuration: Duration?
    /// A job still not finished this long after its creation is ended locally as `abandoned`.
    public var giveUpAfter: Duration
    /// The command recorded in `sync_run`.
    public var command: String
    /// On a shared history, how long a claim holds when its runner never releases it (killed): `--lease`, else
    /// `--max-duration`, else 10 minutes.
    public var lease: Duration?

    public init(
        concurrency: Int = 8, maxDuration: Duration? = nil, giveUpAfter: Duration = .seconds(24 * 3600), command: String = "sync",
        lease: Duration? = nil
    ) {
        self.concurrency = concurrency
        self.maxDuration = maxDuration
        self.giveUpAfter = giveUpAfter
        self.command = command
        self.lease = lease
    }

    /// The lease of a claim.
    var claimLease: Duration { lease ?? maxDuration ?? .seconds(600) }
}

/// A running count of a sync, for progress displays.
public struct SyncProgress: Sendable, Equatable {
    /// Jobs whose poll has finished (with or without success).
    public var done: Int
    /// Jobs this run set out to poll.
    public var total: Int
    /// Jobs whose poll failed after retries.
    public var errors: Int
}
