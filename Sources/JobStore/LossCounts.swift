/// How many completed jobs of one group were downloaded, and how many expired before any successful video download
/// (`report losses`).
public struct LossCounts: Sendable, Equatable {
    public var group: String
    /// Completed jobs of the group.
    public var completed: Int
    /// Completed jobs with at least one successful video download.
    public var downloaded: Int
    /// Completed jobs whose content expired (`expires_at ≤ now`) with no successful video download.
    public var expiredUndownloaded: Int

    /// Counts of one group.
    public init(group: String, completed: Int, downloaded: Int, expiredUndownloaded: Int) {
        self.group = group
        self.completed = completed
        self.downloaded = downloaded
        self.expiredUndownloaded = expiredUndownloaded
    }
}
