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
    /// Whether the response goes into `responses()` once written (control endpoints do not).
    var isLogged = true

    /// A JSON response.
    static func json(_ status: Int, _ body: [UInt8], videoID: String? = nil) -> SimulatorResponse {
        SimulatorResponse(
            status: status, headers: [("content-type", "application/json")], body: body, videoID: videoID
        )
    }

    /// An OpenAI error envelope response.
    static func error(_ envelope: ErrorEnvelope, videoID: String? = nil) -> SimulatorResponse {
        json(envelope.status, envelope.body, videoID: videoID)
    }

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
