/// What one `GET /v1/videos/{id}` answer becomes instead of (or on top of) the normal response.
///
/// Each case reproduces something real APIs and proxies were seen to do (OpenAI, CometAPI, gateways in front of them).
public enum Fault: Sendable, Hashable {
    /// The normal answer (a placeholder between faults in a script; no random fault either).
    case normal
    /// 429 `rate_limit_exceeded` in OpenAI's envelope, with `retry-after` (whole seconds) and/or `retry-after-ms`
    /// when given; neither given means no hint at all.
    case rateLimited(retryAfter: Int? = nil, retryAfterMs: Int? = nil)
    /// A server error (500, 503, 504, …) in one of the error envelopes.
    case serverError(status: Int, envelope: Envelope)
    /// CometAPI's 503 for a model no channel serves: `code: model_not_found`, request id inside the message.
    case modelNotFound
    /// CometAPI's 500 for a malformed request: `code: invalid_request` (not transient).
    case invalidRequest
    /// An HTML error page from a proxy (`text/html`), such as 502 Bad Gateway.
    case htmlError(status: Int)
    /// A 200 whose head announces the whole body in `content-length` but only part of it is sent before the
    /// connection closes.
    case truncatedBody
    /// A complete 200 response whose JSON body is cut in the middle (`content-length` matches what is sent).
    case cutJSON
    /// The connection is closed without a byte of response.
    case connectionClosed
    /// The normal answer, sent only after this extra delay (beyond a client timeout, the client never sees it).
    case slow(Duration)
    /// A redirect (301 by default) to `location`; nil points at the same path with a trailing slash.
    case redirect(status: Int = 301, location: String? = nil)
    /// 404 `Video with id '…' not found.` in OpenAI's envelope.
    case notFound
    /// 401 `invalid_api_key` in OpenAI's envelope.
    case unauthorized
    /// An error body without the envelope, `{"code":…,"message":…}`, as CometAPI sent for a 403 quota refusal.
    case bareError(status: Int = 403, code: String? = nil, message: String = "user quota is not enough")
    /// Any response: status, body text, content type and extra headers as given.
    case custom(status: Int, body: String, contentType: String? = "application/json", headers: [String: String] = [:])

    /// The error envelope shapes seen in the wild.
    public enum Envelope: String, Sendable, Hashable, CaseIterable {
        /// `{"error":{"message","type","param":null,"code":null}}` with an OpenAI `server_error` type.
        case openAI = "openai"
        /// CometAPI: `{"error":{"message":"… (request id: …)","type":"comet_api_error","param":"","code":""}}`.
        case cometAPI = "cometapi"
        /// CometAPI's older shape without `param`: `{"error":{"code":"","message":"…","type":"comet_api_error"}}`.
        case cometAPILegacy = "cometapi_legacy"
    }

    /// The faults `--fault-rate` draws from: the transient ones a client is expected to retry.
    public static let transient: [Fault] = [
        .rateLimited(retryAfter: 1),
        .serverError(status: 500, envelope: .openAI),
        .serverError(status: 503, envelope: .cometAPI),
        .htmlError(status: 502),
        .truncatedBody,
        .connectionClosed,
    ]

    /// The name used in scenario files and logs, such as `rate_limited`.
    public var name: String {
        switch self {
        case .normal: "normal"
        case .rateLimited: "rate_limited"
        case .serverError: "server_error"
        case .modelNotFound: "model_not_found"
        case .invalidRequest: "invalid_request"
        case .htmlError: "html_error"
        case .truncatedBody: "truncated_body"
        case .cutJSON: "cut_json"
        case .connectionClosed: "connection_closed"
        case .slow: "slow"
        case .redirect: "redirect"
        case .notFound: "not_found"
        case .unauthorized: "unauthorized"
        case .bareError: "bare_error"
        case .custom: "custom"
        }
    }
}

/// The faults scripted for one video: applied in order to its successive retrieves, then `thereafter` to every later one.
struct FaultScript: Sendable, Hashable {
    /// Faults still to apply, next first (stored reversed so taking one is O(1)).
    private var remaining: [Fault]
    /// The fault of every retrieve once `remaining` is used up; nil answers normally.
    let thereafter: Fault?

    init(_ faults: [Fault], thereafter: Fault?) {
        remaining = faults.reversed()
        self.thereafter = thereafter
    }

    /// Whether the script has nothing left to apply.
    var isFinished: Bool { remaining.isEmpty && thereafter == nil }

    /// The fault for the next retrieve, or nil when the script is used up.
    mutating func next() -> Fault? {
        remaining.popLast() ?? thereafter
    }
}
