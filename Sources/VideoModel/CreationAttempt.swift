import Foundation

/// One create or remix request (sent once, never retried) and what came of it.
public struct CreationAttempt: Sendable {
    /// When the request was sent (client clock).
    public var startedAt: Date
    /// When the answer (or the failure) arrived (client clock).
    public var finishedAt: Date
    /// The HTTP status; nil when no response arrived.
    public var httpStatus: Int?
    /// The `x-request-id` header.
    public var requestID: String?
    /// The raw body as received (the API key redacted, should a proxy echo it); nil without a response.
    public var body: Data?
    /// The new job's first snapshot: set when the answer is a video with a usable id.
    public var created: PollAttempt?
    /// Why there is no job; nil when `created` is set.
    public var failure: CreationFailure?

    /// An attempt record from its fields.
    public init(
        startedAt: Date, finishedAt: Date, httpStatus: Int? = nil, requestID: String? = nil, body: Data? = nil,
        created: PollAttempt? = nil, failure: CreationFailure? = nil
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.body = body
        self.created = created
        self.failure = failure
    }
}
