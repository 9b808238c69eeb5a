import Foundation

/// One response the simulator sent (for tests to compare with what the client stored).
public struct LoggedResponse: Sendable, Hashable {
    /// The request method, such as `GET`.
    public var method: String
    /// The request path without its query, as sent (not percent-decoded).
    public var path: String
    /// The raw query string without `?`, or nil when the request had none.
    public var query: String?
    /// The video the request was about, when it named or created one.
    public var videoID: String?
    /// The HTTP status code.
    public var status: Int
    /// The `x-request-id` header that was sent.
    public var requestID: String
    /// Response headers by lowercased name.
    public var headers: [String: String]
    /// The body bytes exactly as sent.
    public var body: Data
    /// The virtual time at which the response was decided.
    public var virtualTime: Date
    /// The fault that shaped the response (such as a 429 or a cut JSON body), if any.
    public var fault: Fault?
    /// When the request arrived, on the real monotonic clock.
    public var arrivedAt: ContinuousClock.Instant
    /// When the last byte of the response had been written, on the real monotonic clock.
    public var sentAt: ContinuousClock.Instant

    /// The body decoded as UTF-8 (lossy), for JSON responses.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
