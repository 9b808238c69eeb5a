import VideoModel
/// What to do after an attempt.
public enum RetryDecision: Sendable, Equatable {
    /// Stop: the attempt succeeded, or failed in a way retrying cannot fix.
    case done
    /// Try again after waiting this long.
    case retry(after: Duration)
    /// The failure was worth retrying but no retry is allowed; the reason says why.
    case giveUp(reason: String)
}
