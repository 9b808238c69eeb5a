import Foundation
import JobStore
import Logging
import Synchronization
import VideoAPI

/// Polls open jobs with bounded concurrency and records every attempt as it arrives (group-committed).
public struct SyncEngine: Sendable {
    let database: JobDatabase
    let client: VideoAPIClient
    let clock: APIClock
    let logger: Logger

    public init(database: JobDatabase, client: VideoAPIClient, clock: APIClock = .live, logger: Logger = Logger(label: "soratrack.sync")) {
        self.database = database
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// The cron entry point: abandons stale jobs, then polls every open job once.
    public func sync(_ options: SyncOptions, progress: (@Sendable (SyncProgress) -> Void)? = nil) async throws(StoreError) -> SyncSummary {
        let start = clock.now()
        let abandoned = try database.abandonStale(now: start, giveUpAfter: options.giveUpAfter)
        for id in abandoned { logger.info("abandoned \(id): not finished \(options.giveUpAfter) after creation") }
        let jobs = try database.openJobs().map(\.videoID)
        var summary = try await poll(jobs, options: options, progress: progress)
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

    /// Runs `body` as one row of `sync_run`, opened before and closed after, also when a write fails (exit 74).
    func recordedRun(
        _ command: String, tally: SharedTally, _ body: (_ runID: Int64, _ start: Date) async throws -> Void
    ) async throws(StoreError) -> SyncSummary {
        let start = clock.now()
        let runID = try database.startRun(command: command, at: start)
        do {
            try await body(runID, start)
        } catch {
            let storeError = (error as? StoreError) ?? .io(path: database.path, reason: "\(error)")
            try? database.finishRun(runID, counts: tally.withLock { $0.counts }, exitCode: 74, at: clock.now())
            throw storeError
        }
        var summary = tally.withLock { $0.summary }
        summary.stillOpen = try database.openJobs().count
        summary.elapsedSeconds = clock.now().timeIntervalSince(start)
        try database.finishRun(runID, counts: summary.counts, exitCode: summary.exitCode, at: clock.now())
        return summary
    }

    func pollAll(
        _ ids: [VideoID], options: SyncOptions, deadline: Date?, runID: Int64, tally: SharedTally, stop: StopSignal?,
        progress: (@Sendable (SyncProgress) -> Void)?
    ) async throws {
        let writer = SnapshotWriter(database: database, runID: runID)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = ids[...]
            var inFlight = 0
            func mayLaunch() -> Bool {
                if tally.withLock({ $0.summary.authFailure != nil }) { return false }
                if let stop, stop.isStopped { return false }
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
                    try await pollOne(id, deadline: deadline, writer: writer, tally: tally)
                    if let progress { progress(tally.withLock { $0.progress }) }
                }
            }
            while inFlight < max(1, options.concurrency), !pending.isEmpty, mayLaunch() { launch() }
            while try await group.next() != nil {
                inFlight -= 1
                if tally.withLock({ $0.summary.authFailure != nil }) {
                    group.cancelAll()  // a rejected key stops the run: no more requests
                    continue
                }
                if !pending.isEmpty, mayLaunch() { launch() }
            }
        }
    }

    private func pollOne(_ id: VideoID, deadline: Date?, writer: SnapshotWriter, tally: SharedTally) async throws {
        let logger = logger
        let final = try await client.retrieve(id, deadline: deadline) { attempt in
            let recorded = try await writer.record(attempt)
            tally.withLock { $0.add(attempt, recorded) }
            logger.debug("recorded \(attempt.requestID ?? "-") for \(id): HTTP \(attempt.httpStatus.map(String.init) ?? "none"), \(recorded.after.rawValue)")
            if let error = attempt.pollError {
                logger.debug("\(id) attempt \(attempt.attempt + 1): \(error)")
            }
        }
        tally.withLock { $0.finish(final) }
        if final.video == nil, let error = final.pollError {
            logger.warning("\(id): \(error)")
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

    init(total: Int) { self.total = total }

    var counts: SyncRunCounts {
        get { summary.counts }
        set { summary.counts = newValue }
    }

    var progress: SyncProgress { SyncProgress(done: done, total: total, errors: summary.counts.pollErrors) }

    mutating func add(_ attempt: PollAttempt, _ recorded: RecordedPoll) {
        counts.attempts += 1
        if attempt.httpStatus != nil { counts.responses += 1 }
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
    }

    mutating func finish(_ final: PollAttempt) {
        done += 1
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
