/// What the request a fault answers was about, for the wording of the faulted response.
struct FaultContext {
    var videoID: String
    var requestID: String
    /// The video's model, when the video exists.
    var model: String?
    /// The Bearer token sent, for a 401 that masks it as the real API does.
    var token: String?
    /// Error bodies without their envelope.
    var bareErrors: Bool
    /// The request path as sent (for a redirect to the same path with a trailing slash).
    var path: String? = nil
}
