import VideoModel

/// What `track` did with each id of a batch.
public struct TrackResult: Sendable, Equatable {
    /// Ids seen for the first time.
    public var added: [VideoID] = []
    /// Ids that were untracked, abandoned or not found and are polled again.
    public var revived: [VideoID] = []
    /// Ids already being tracked (label updated when one was given).
    public var alreadyTracked: [VideoID] = []

    /// The ids that should be polled now: the new and the revived ones.
    public var toPoll: [VideoID] { added + revived }

    public init() {}
}
