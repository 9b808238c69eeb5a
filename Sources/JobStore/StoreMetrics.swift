import VideoModel

/// The numbers `soratrack metrics` exposes, read from the database in one transaction.
public struct StoreMetrics: Sendable, Equatable {
    /// Start, end and exit code of one row of `sync_run` (times in unix milliseconds).
    public struct Run: Sendable, Equatable {
        public var id: Int64
        public var startedAt: Int64
        /// Nil while the run goes on (or when it was killed).
        public var finishedAt: Int64?
        public var exitCode: Int?

        /// A run as stored.
        public init(id: Int64, startedAt: Int64, finishedAt: Int64?, exitCode: Int?) {
            self.id = id
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.exitCode = exitCode
        }
    }

    /// How many attempts of one run ended with a poll error, for one HTTP status (nil: no response).
    public struct StatusCount: Sendable, Equatable {
        public var status: Int?
        public var count: Int

        /// A count of one status.
        public init(status: Int?, count: Int) {
            self.status = status
            self.count = count
        }
    }

    /// Jobs per normalised phase; every phase is present (0 when no job has it).
    public var jobsByPhase: [Phase: Int]
    /// The failure-ratio window, in seconds before now.
    public var windowSeconds: Int64
    /// Jobs created in the window per model (`unknown` for none), models sorted by name.
    public var windowByModel: [GroupCounts]
    /// Completed jobs without a downloaded video whose link expires within the hour after now.
    public var expiringUndownloaded: Int
    /// Completed jobs without a downloaded video whose link expired at or before now.
    public var expiredUndownloaded: Int
    /// The newest `sync` run, finished or not.
    public var lastStartedSync: Run?
    /// The newest finished `sync` run.
    public var lastFinishedSync: Run?
    /// When the newest `sync` run that exited 0 ended (unix milliseconds).
    public var lastSuccessfulSyncAt: Int64?
    /// Attempts of the newest finished `sync` run that recorded a poll error, per HTTP status, nil status first.
    public var lastSyncPollErrors: [StatusCount]
    /// Snapshot rows stored now (a prune lowers it).
    public var snapshots: Int
    /// Poll attempts ever recorded (the sum of every job's `polls`; a prune leaves it as it is).
    public var polls: Int
    /// Size of the database file and its write-ahead log, in bytes.
    public var databaseBytes: Int64

    /// Metrics with every value given.
    public init(
        jobsByPhase: [Phase: Int], windowSeconds: Int64, windowByModel: [GroupCounts], expiringUndownloaded: Int,
        expiredUndownloaded: Int, lastStartedSync: Run?, lastFinishedSync: Run?, lastSuccessfulSyncAt: Int64?,
        lastSyncPollErrors: [StatusCount], snapshots: Int, polls: Int, databaseBytes: Int64
    ) {
        self.jobsByPhase = jobsByPhase
        self.windowSeconds = windowSeconds
        self.windowByModel = windowByModel
        self.expiringUndownloaded = expiringUndownloaded
        self.expiredUndownloaded = expiredUndownloaded
        self.lastStartedSync = lastStartedSync
        self.lastFinishedSync = lastFinishedSync
        self.lastSuccessfulSyncAt = lastSuccessfulSyncAt
        self.lastSyncPollErrors = lastSyncPollErrors
        self.snapshots = snapshots
        self.polls = polls
        self.databaseBytes = databaseBytes
    }
}
