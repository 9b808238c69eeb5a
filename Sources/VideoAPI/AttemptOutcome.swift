import VideoModel
/// How one attempt of a request ended, as the retry policy sees it.
public enum AttemptOutcome: Sendable {
    /// A response arrived: its status, headers and parsed error body (for non-2xx).
    case response(status: Int, headers: [(String, String)], error: APIErrorInfo?)
    /// No response arrived.
    case transportFailure(TransportError)
}
