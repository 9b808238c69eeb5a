/// A running count of a sync, for progress displays.
public struct SyncProgress: Sendable, Equatable {
    /// Jobs whose poll has finished (with or without success).
    public var done: Int
    /// Jobs this run set out to poll.
    public var total: Int
    /// Jobs whose poll failed after retries.
    public var errors: Int
}
