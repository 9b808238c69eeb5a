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

    public init(concurrency: Int = 8, maxDuration: Duration? = nil, giveUpAfter: Duration = .seconds(24 * 3600), command: String = "sync") {
        self.concurrency = concurrency
        self.maxDuration = maxDuration
        self.giveUpAfter = giveUpAfter
        self.command = command
    }
}
