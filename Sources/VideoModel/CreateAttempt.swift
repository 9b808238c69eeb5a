import Foundation

/// One create or remix request (sent once, never retried) and what came of it.
public struct CreateAttempt: Sendable {
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
    public var failure: CreateFailure?

    /// An attempt record from its fields.
    public init(
        startedAt: Date, finishedAt: Date, httpStatus: Int? = nil, requestID: String? = nil, body: Data? = nil,
        created: PollAttempt? = nil, failure: CreateFailure? = nil
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

/// Why a create or remix gave no job that soratrack knows of, in words that say whether a job may exist.
public enum CreateFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider answered with an error status: it created nothing.
    case refused(status: Int, error: APIErrorInfo?, requestID: String?)
    /// The connection was refused, so the request was never sent: nothing was created.
    case notSent(TransportError)
    /// The request may have reached the provider but no answer came back: a job may or may not exist.
    case noAnswer(TransportError)
    /// A 2xx answer that is not a video with a usable id: a job may exist.
    case unreadableAnswer(status: Int, reason: String, requestID: String?)

    /// Whether a job may have been created although soratrack does not know its id.
    public var mayHaveCreated: Bool {
        switch self {
        case .refused(let status, _, _): status >= 500
        case .notSent: false
        case .noAnswer, .unreadableAnswer: true
        }
    }

    /// One line: what happened, whether a job may exist, and what to do.
    public var description: String {
        switch self {
        case .refused(let status, let error, let requestID):
            let answer = VideoAPIError.http(status: status, error: error, requestID: requestID).description
            if status == 401 || status == 403 {
                return "the API rejected the key (\(answer)); nothing was created: check --api-key-file or SORATRACK_API_KEY"
            }
            if status >= 500 {
                return "the provider failed the request (\(answer)); the job was most likely not created: check with the provider (soratrack discover, where the API lists videos) before submitting again"
            }
            if status == 408 || status == 409 || status == 429 {
                return "the provider refused the request for now (\(answer)); nothing was created: submit again later"
            }
            return "the provider refused the request (\(answer)); nothing was created: change the request and submit again"
        case .notSent(let error):
            return "could not reach the API (\(error)); nothing was sent, no job was created: check --base-url and the network"
        case .noAnswer(let error):
            return "unknown whether the job was created: the request was sent but no answer came (\(error)); do not submit again blindly: check with the provider (soratrack discover, where the API lists videos) first"
        case .unreadableAnswer(let status, let reason, let requestID):
            let id = requestID.map { ", request id \($0)" } ?? ""
            return "the provider answered HTTP \(status) but not with a usable video (\(reason)\(id)); a job may have been created: check with the provider (soratrack discover, where the API lists videos) before submitting again"
        }
    }
}
