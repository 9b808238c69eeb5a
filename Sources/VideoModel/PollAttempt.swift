import Foundation

/// One attempt of a request, whatever happened: what the database records as a snapshot.
public struct PollAttempt: Sendable {
    /// The video asked about.
    public var videoID: VideoID
    /// 0 for the first try, 1 for the first retry, …
    public var attempt: Int
    /// When the request was sent (client clock).
    public var startedAt: Date
    /// When the response (or the failure) arrived (client clock).
    public var finishedAt: Date
    /// The HTTP status; nil for a transport failure.
    public var httpStatus: Int?
    /// The `x-request-id` header.
    public var requestID: String?
    /// The raw body as received; nil for a transport failure.
    public var body: Data?
    /// The `content-type` header.
    public var contentType: String?
    /// The video, when the status was 2xx and the body decoded.
    public var video: Video?
    /// The parsed error body of a non-2xx response.
    public var apiError: APIErrorInfo?
    /// One readable line when this attempt gave no usable video, e.g. "HTTP 429 rate_limit_exceeded: Too many requests".
    public var pollError: String?
    /// The `openai-poll-after-ms` header: how long the server suggests waiting before the next poll.
    public var pollAfter: Duration?
    /// The server's retry hint (`retry-after-ms` or `retry-after`), if any.
    public var retryAfter: Duration?

    /// Whether the server refused the API key (401 or 403).
    public var isAuthFailure: Bool { httpStatus == 401 || httpStatus == 403 }

    /// Creates an attempt record from its fields.
    public init(
        videoID: VideoID, attempt: Int, startedAt: Date, finishedAt: Date, httpStatus: Int? = nil,
        requestID: String? = nil, body: Data? = nil, contentType: String? = nil, video: Video? = nil,
        apiError: APIErrorInfo? = nil, pollError: String? = nil, pollAfter: Duration? = nil, retryAfter: Duration? = nil
    ) {
        self.videoID = videoID
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.body = body
        self.contentType = contentType
        self.video = video
        self.apiError = apiError
        self.pollError = pollError
        self.pollAfter = pollAfter
        self.retryAfter = retryAfter
    }
}
