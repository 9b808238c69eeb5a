import Foundation
import VideoModel

/// The history behind its intent-named methods: `JobDatabase` (an SQLite file, the default) and the PostgreSQL store
/// (`--db postgres://…`, module PostgresStore) implement it, and the commands, the sync engine and the reports see only
/// this. docs/architecture.md, Stores, says what differs between the two and why.
public protocol HistoryStore: AnyObject, Sendable {
    /// Where the history lives, fit to print: the file's path, or the URL with its password masked.
    var location: String { get }
    /// True when several runners may share this history at once (claims instead of the lock file beside it).
    var sharesWork: Bool { get }

    // Tracking and polling
    func track(_ ids: [VideoID], label: String?, at date: Date) throws(StoreError) -> TrackResult
    func untrack(_ ids: [VideoID]) throws(StoreError) -> [VideoID]
    func abandonStale(now date: Date, giveUpAfter: Duration) throws(StoreError) -> [String]
    func openJobs() throws(StoreError) -> [OpenJob]
    func record(_ attempts: [PollAttempt], runID: Int64?) throws(StoreError) -> [RecordedPoll]
    func startRun(command: String, at date: Date) throws(StoreError) -> Int64
    func finishRun(_ id: Int64, counts: SyncRunCounts, exitCode: ExitStatus, at date: Date) throws(StoreError)

    // Claims: which runner polls or downloads what (only a store that `sharesWork` hands out anything but everything)
    func claimJobs(_ claim: ClaimRequest) throws(StoreError) -> ClaimBatch
    func releaseClaims(holder: String) throws(StoreError)

    // Creating
    func beginCreateAttempt(_ request: CreateRequest, runID: Int64?, at date: Date) throws(StoreError) -> Int64
    func discardCreateAttempt(_ ledgerRow: Int64) throws(StoreError)
    func recordCreate(
        _ attempt: CreateAttempt, request: CreateRequest, label: String?, runID: Int64?, ledgerRow: Int64?
    ) throws(StoreError) -> RecordedPoll?
    func unknownIDs(_ ids: [VideoID]) throws(StoreError) -> [VideoID]
    func createAttempts() throws(StoreError) -> [CreateAttemptRow]

    // Downloads
    func recordDownload(_ attempt: DownloadAttempt) throws(StoreError)
    func downloadTargets(_ ids: [VideoID], variant: ContentVariant) throws(StoreError) -> [DownloadTarget]
    func downloadCandidates(variant: ContentVariant, now: Int64) throws(StoreError) -> [DownloadTarget]
    func downloads(of id: VideoID) throws(StoreError) -> [DownloadRecord]
    func expiredUndownloadedCount(now: Date) throws(StoreError) -> Int

    // Reading
    func jobs(_ filter: JobFilter) throws(StoreError) -> [Job]
    func job(_ id: VideoID) throws(StoreError) -> Job?
    func snapshots(of id: VideoID) throws(StoreError) -> [Snapshot]
    func recordedRequestIDs() throws(StoreError) -> [String: Int]
    func counts() throws(StoreError) -> HistoryCounts

    // Reports and exports
    func durations(
        by grouping: JobGrouping, status: DurationStatus, window: CreatedWindow,
        _ body: (_ group: String, _ seconds: Int64) throws -> Void
    ) throws
    func timelines(by grouping: JobGrouping, window: CreatedWindow, _ body: (JobTimeline) throws -> Void) throws
    func failureCounts(by grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [GroupCounts]
    func failuresByErrorCode(window: CreatedWindow) throws(StoreError) -> [ErrorCodeCount]
    func failuresByErrorCode(per grouping: JobGrouping, window: CreatedWindow) throws(StoreError) -> [(group: String, code: ErrorCodeCount)]
    func expiringJobs(now: Int64, within: Int64, includeExpired: Bool, window: CreatedWindow) throws(StoreError) -> [ExpiringJob]
    func lossCounts(by grouping: JobGrouping, window: CreatedWindow, now: Int64) throws(StoreError) -> [LossCounts]
    func exportJobs(window: CreatedWindow, _ body: (Job) throws -> Void) throws
    func exportSnapshots(window: CreatedWindow, _ body: (Snapshot) throws -> Void) throws
    func metrics(now: Date, window: Duration) throws(StoreError) -> StoreMetrics

    // Upkeep
    func prune(before cutoff: Date, dryRun: Bool) throws(StoreError) -> PruneResult
    func vacuum() throws(StoreError)
    /// The bytes the history takes on disk (the file, or the tables on the server).
    func fileSize() -> Int64

    // Moving a history (`soratrack copy`)
    /// Every row of `table`, ordered by id, as plain values in `HistoryTable.columns` order.
    func rows(of table: HistoryTable, _ body: ([HistoryValue]) throws -> Void) throws
    /// Inserts rows (ids kept) that are not there yet; returns how many were new.
    func insertMissing(_ rows: [[HistoryValue]], into table: HistoryTable) throws(StoreError) -> Int
}

extension HistoryStore {
    /// Records one attempt.
    public func record(_ attempt: PollAttempt, runID: Int64?) throws(StoreError) -> RecordedPoll {
        try record([attempt], runID: runID)[0]
    }

    public func recordCreate(_ attempt: CreateAttempt, request: CreateRequest, label: String?, runID: Int64?) throws(StoreError) -> RecordedPoll? {
        try recordCreate(attempt, request: request, label: label, runID: runID, ledgerRow: nil)
    }

    public func jobs() throws(StoreError) -> [Job] { try jobs(JobFilter()) }
}

/// How many rows each part of a history holds (what `copy` verifies).
public struct HistoryCounts: Sendable, Equatable, CustomStringConvertible {
    public var jobs: Int
    public var snapshots: Int
    public var bodies: Int
    public var runs: Int
    public var downloads: Int
    public var createAttempts: Int

    public init(jobs: Int, snapshots: Int, bodies: Int, runs: Int, downloads: Int = 0, createAttempts: Int = 0) {
        self.jobs = jobs
        self.snapshots = snapshots
        self.bodies = bodies
        self.runs = runs
        self.downloads = downloads
        self.createAttempts = createAttempts
    }

    public var description: String {
        "\(jobs) jobs, \(snapshots) snapshots, \(bodies) bodies, \(runs) runs, \(downloads) downloads, \(createAttempts) create attempts"
    }
}

/// What a runner asks for: up to `limit` open jobs not polled since `roundStart`, held until `until`.
public struct ClaimRequest: Sendable, Equatable {
    /// Who holds the claims (host, process and run).
    public var holder: String
    /// What for: polling, or downloading one variant.
    public var purpose: ClaimPurpose
    public var limit: Int
    /// Polls: a job polled at or after this time (unix milliseconds) was polled in this round and is not handed out.
    public var roundStart: Int64
    /// Unix milliseconds now, and when the claims lapse if the runner never releases them.
    public var now: Int64
    public var until: Int64
    /// Downloads: the jobs to choose from (ignored for polls).
    public var candidates: [VideoID]
    /// Polls: when set, `sync` runs that started between this time and `roundStart` and had not finished by then join this round
    /// (its start is the earliest of theirs), so a runner starting a little after another skips what that one polled,
    /// also when that one has finished meanwhile.
    public var joinRunsSince: Int64?

    public init(
        holder: String, purpose: ClaimPurpose, limit: Int, roundStart: Int64, now: Int64, until: Int64, candidates: [VideoID] = [],
        joinRunsSince: Int64? = nil
    ) {
        self.joinRunsSince = joinRunsSince
        self.holder = holder
        self.purpose = purpose
        self.limit = limit
        self.roundStart = roundStart
        self.now = now
        self.until = until
        self.candidates = candidates
    }
}

/// The SQL that both stores use for "the start of this round" of a poll claim: the earliest start of the `sync`
/// runs that overlap this one's start (`?` placeholders, in the order `joinRunsSince`, then `roundStart` three times).
public let roundStartSQL = """
    coalesce((SELECT min(started_at) FROM sync_run
        WHERE command = 'sync' AND started_at >= ? AND started_at <= ? AND (finished_at IS NULL OR finished_at >= ?)), ?)
    """

/// What a claim is for.
public enum ClaimPurpose: Sendable, Equatable {
    case poll
    case download(ContentVariant)

    /// The text stored in `claim.purpose`.
    public var name: String {
        switch self {
        case .poll: "poll"
        case .download(let variant): "download:\(variant.rawValue)"
        }
    }
}

/// The answer to a claim: the jobs this runner now holds, and whether others still hold due ones.
public struct ClaimBatch: Sendable, Equatable {
    public var jobs: [VideoID]
    /// Due jobs held by another runner (alive or not): when its claims lapse they become claimable.
    public var heldElsewhere: Int
    /// The earliest of those claims to lapse (unix milliseconds).
    public var nextExpiry: Int64?
    /// Due jobs that no live claim holds after this one (more than `limit` were due, or none was asked for): a run
    /// that stops here leaves them for the next run.
    public var unclaimed: Int

    public init(jobs: [VideoID], heldElsewhere: Int = 0, nextExpiry: Int64? = nil, unclaimed: Int = 0) {
        self.jobs = jobs
        self.heldElsewhere = heldElsewhere
        self.nextExpiry = nextExpiry
        self.unclaimed = unclaimed
    }
}

/// The tables of a history, in the order `copy` fills them (a row's references come before it).
public enum HistoryTable: String, Sendable, CaseIterable {
    case body, job, syncRun = "sync_run", snapshot, download, createAttempt = "create_attempt"

    /// The columns copied, in order (`id` first); the same on both backends.
    public var columns: [String] {
        switch self {
        case .body: ["id", "hash", "content"]
        case .job:
            [
                "id", "video_id", "label", "tracking", "status", "local_state", "phase", "terminal", "model", "size", "seconds",
                "progress", "prompt", "created_at", "completed_at", "expires_at", "error_code", "error_message",
                "remixed_from_video_id", "first_seen_at", "tracked_at", "last_polled_at", "last_success_at", "polls",
                "consecutive_404s", "next_poll_at",
            ]
        case .syncRun: ["id", "command", "started_at", "finished_at", "jobs", "attempts", "responses", "completed", "failed", "poll_errors", "exit_code"]
        case .snapshot:
            [
                "id", "job_id", "run_id", "polled_at", "attempt", "http_status", "status", "progress", "error_code",
                "error_message", "completed_at", "expires_at", "request_id", "poll_error", "body_id",
            ]
        case .download:
            [
                "id", "job_id", "variant", "attempted_at", "finished_at", "http_status", "request_id", "content_type", "ok",
                "path", "bytes", "sha256", "error", "body_id",
            ]
        case .createAttempt:
            [
                "id", "run_id", "kind", "started_at", "finished_at", "prompt", "model", "seconds", "size", "input_reference",
                "input_bytes", "source_video_id", "outcome", "job_id", "http_status", "request_id", "error_code",
                "error_message", "error", "body_id",
            ]
        }
    }
}

/// One value of a copied row.
public enum HistoryValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case bytes(Data)
}
