/// What `prune` removed from the history or, in a dry run, would remove.
public struct PruneResult: Sendable, Equatable {
    /// Snapshots polled before this time (unix milliseconds) could go.
    public var cutoff: Int64
    /// True when nothing was changed.
    public var dryRun: Bool
    /// Snapshots in the database before the prune.
    public var snapshotsBefore: Int
    /// Snapshots removed (would be, in a dry run).
    public var snapshotsRemoved: Int
    /// Response bodies no longer referenced by any snapshot or download, removed.
    public var bodiesRemoved: Int
    /// Bytes of those bodies.
    public var bodyBytesRemoved: Int64
    /// Pages the deletes freed inside the file, in bytes (reused by later writes; nil in a dry run).
    public var freedBytes: Int64?

    /// A result with every value given.
    public init(
        cutoff: Int64, dryRun: Bool, snapshotsBefore: Int, snapshotsRemoved: Int, bodiesRemoved: Int,
        bodyBytesRemoved: Int64, freedBytes: Int64?
    ) {
        self.cutoff = cutoff
        self.dryRun = dryRun
        self.snapshotsBefore = snapshotsBefore
        self.snapshotsRemoved = snapshotsRemoved
        self.bodiesRemoved = bodiesRemoved
        self.bodyBytesRemoved = bodyBytesRemoved
        self.freedBytes = freedBytes
    }
}
