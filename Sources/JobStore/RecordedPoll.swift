import VideoModel

/// How one recorded attempt changed its job.
public struct RecordedPoll: Sendable, Equatable {
    public var videoID: VideoID
    /// The job's phase before and after the attempt.
    public var before: Phase
    public var after: Phase

    /// True when this attempt finished the job (provider or local terminal state).
    public var becameTerminal: Bool { !before.isTerminal && after.isTerminal }
}
