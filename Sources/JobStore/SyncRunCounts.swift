/// What one run of sync, watch or track did, as stored in `sync_run`.
public struct SyncRunCounts: Sendable, Equatable {
    /// Jobs it set out to poll.
    public var jobs = 0
    /// Requests made, retries included.
    public var attempts = 0
    /// Attempts that got an HTTP response.
    public var responses = 0
    /// Jobs that became completed.
    public var completed = 0
    /// Jobs that became failed.
    public var failed = 0
    /// Jobs whose poll still failed after its retries.
    public var pollErrors = 0

    public init() {}
}
