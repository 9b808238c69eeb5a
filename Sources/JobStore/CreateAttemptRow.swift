import Foundation

/// One row of `create_attempt`: a create or remix request and what came of it.
public struct CreateAttemptRow: Sendable, Equatable {
    /// `create` or `remix`.
    public var kind: String
    public var prompt: String
    /// `created`, `refused`, `not_sent` or `unknown`.
    public var outcome: String
    /// The job created, when one was.
    public var videoID: String?
    public var httpStatus: Int?
    public var requestID: String?
    public var errorCode: String?
    /// The one-line failure, when there was one.
    public var error: String?
    public var inputReference: String?
    public var sourceVideoID: String?
    public var runID: Int64?
    /// The stored answer, when no snapshot holds it.
    public var body: Data?
}
