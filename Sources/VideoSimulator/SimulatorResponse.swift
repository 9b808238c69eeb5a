import Foundation

/// The response decided for one request, as a value, before any byte is written.
///
/// Everything that shapes what goes on the wire (status, headers, body, delay) lives here, so a later
/// stage can rewrite it (fault injection) between the decision and the write.
struct SimulatorResponse: Sendable {
    var status: Int
    /// Header names and values, in the order they are sent.
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// The video the request was about, for the log.
    var videoID: String? = nil
    /// The `x-request-id` header value.
    var requestID: String = ""
    /// The virtual time at which the response was decided.
    var virtualTime: Date = Date(timeIntervalSince1970: 0)
    /// Wait this long before writing.
    var delay: Duration = .zero
    /// How much of the response goes on the wire.
    var transmission = Transmission.whole
    /// The fault that shaped this response, if any.
    var fault: Fault? = nil
    /// When the request arrived (real monotonic clock).
    var arrivedAt = ContinuousClock.Instant.now
    /// The request's arrival number in the logs; nil for control endpoints, which are not logged.
    var sequence: Int? = nil
    /// The error the body was written from, when it is an error in an envelope (a flavour may rewrite it).
    var envelope: ErrorEnvelope? = nil
    /// Whether the gateway of the flavour answered itself: the answer is already in its shape.
    var isGatewayAnswer = false

    /// How much of a decided response is written.
    enum Transmission: Sendable, Hashable {
        /// Head and whole body.
        case whole
        /// Head (announcing the whole body) and the first `keeping` body bytes, then the connection is closed.
        case truncated(keeping: Int)
        /// Nothing: the connection is closed.
        case closeWithoutResponse
        /// Nothing, ever: the connection is held open until the client goes or the server stops.
        case hold
    }

    /// A JSON response.
    static func json(_ status: Int, _ body: [UInt8], videoID: String? = nil) -> SimulatorResponse {
        SimulatorResponse(
            status: status, headers: [("content-type", "application/json")], body: body, videoID: videoID
        )
    }

    /// An error response in the envelope's shape, or bare `{code,message}` when `bare`.
    static func error(_ envelope: ErrorEnvelope, videoID: String? = nil, bare: Bool = false) -> SimulatorResponse {
        var response = json(envelope.status, bare ? envelope.bareBody : envelope.body, videoID: videoID)
        if !bare { response.envelope = envelope }
        return response
    }

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
