/// One API request the simulator received and what became of its answer, for tests to tell what reached the client.
///
/// A request joins the log when it arrives, `pending` until its answer is written whole, cut, dropped, or abandoned
/// because the client had gone.
public struct LoggedRequest: Sendable, Hashable {
    /// Arrival order, from 0.
    public var sequence: Int
    /// The request method, such as `GET`.
    public var method: String
    /// The request path without its query, as sent (not percent-decoded).
    public var path: String
    /// The raw query string without `?`, or nil when the request had none.
    public var query: String?
    /// The video the request was about, when it named or created one.
    public var videoID: String?
    /// The `x-request-id` decided for the answer (the client saw it only if the head was sent); empty for a request
    /// the simulator holds without answering (`hang`).
    public var requestID: String
    /// The HTTP status decided for the answer (the client saw it only if the head was sent); 0 for a request the
    /// simulator holds without answering (`hang`).
    public var status: Int
    /// The fault that shaped the answer, if any.
    public var fault: Fault?
    /// When the request had arrived, on the real monotonic clock.
    public var arrivedAt: ContinuousClock.Instant
    /// When the answer began to go out (its first byte written, or the connection closed); nil while pending and when
    /// the client had gone first. Nothing of the answer can have reached the client before this instant.
    public var answeredAt: ContinuousClock.Instant?
    /// When its delivery ended (last byte written, cut, closed, or found the client gone); nil while pending.
    public var finishedAt: ContinuousClock.Instant?
    /// What was sent back.
    public var delivery: Delivery
    /// The request's `content-type` header, if it sent one.
    public var contentType: String? = nil
    /// The fields of a create or remix body (multipart parts or JSON members); nil for other requests.
    public var form: [LoggedFormPart]? = nil
    /// Whether the request carried an `authorization` or an `api-key` header (whatever its value), such as a client
    /// sending its key to a signed file link on another host.
    public var authSent = false

    /// What the client could have received.
    public enum Delivery: Sendable, Hashable {
        /// Not decided yet: the answer waits for its delay, or is being written.
        case pending
        /// The whole response was written (it is in `responses()` too).
        case complete
        /// The head and `sentBytes` of the `declaredBytes` body bytes it announced were written, then the connection
        /// was closed.
        case truncated(sentBytes: Int, declaredBytes: Int)
        /// The connection was closed without a byte of response.
        case closedWithoutResponse
        /// The client had closed the connection (such as after its own timeout) before the answer could be written,
        /// or the write failed.
        case clientGone
    }

    /// Whether the client received a complete response.
    public var isComplete: Bool { delivery == .complete }
}
