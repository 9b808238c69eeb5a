import Foundation
import JobStore
import VideoModel

/// Where the jobs of a run on a shared history come from: batches claimed for this runner.
struct ClaimSource: Sendable {
    let database: any HistoryStore
    /// Host, process and run: who holds the claims.
    let holder: String
    /// Unix milliseconds: a job polled since then was polled in this round.
    let roundStart: Int64
    let lease: Duration
    /// Whether runs still going that started within the lease before this one join its round (`sync`), or each
    /// round stands alone (a `watch` round).
    let joinOverlappingRuns: Bool
    /// When not empty, only these jobs (a `watch` round's due ones).
    var candidates: [VideoID] = []

    init(database: any HistoryStore, runID: Int64, start: Date, lease: Duration, joinOverlappingRuns: Bool) {
        self.database = database
        holder = "\(ProcessInfo.processInfo.hostName)/\(getpid())/run \(runID)"
        roundStart = Timestamp.milliseconds(start)
        self.lease = lease
        self.joinOverlappingRuns = joinOverlappingRuns
    }

    /// Claims up to `limit` due jobs.
    func claim(limit: Int, now: Date) throws(StoreError) -> ClaimBatch {
        let nowMilliseconds = Timestamp.milliseconds(now)
        let leaseMilliseconds = Int64(lease.seconds * 1000)
        return try database.claimJobs(
            ClaimRequest(
                holder: holder, purpose: .poll, limit: limit, roundStart: roundStart, now: nowMilliseconds,
                until: nowMilliseconds + leaseMilliseconds, candidates: candidates,
                joinRunsSince: joinOverlappingRuns ? roundStart - leaseMilliseconds : nil))
    }
}

/// What ended a task of a poll round.
enum PollEvent: Sendable {
    /// One job's poll (with its retries) finished.
    case polled
    /// The run was told to stop (or the watcher was released).
    case stopped
    /// Time to ask for claims again.
    case lookAgain
}
