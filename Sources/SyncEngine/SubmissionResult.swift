import VideoAPI

/// A job created by `submit` or `remix` and recorded.
public struct SubmissionResult: Sendable, Equatable {
    /// The new job's id.
    public var videoID: VideoID
    /// The job as the create answer described it.
    public var video: Video
    /// The `x-request-id` of that answer.
    public var requestID: String?

    /// 0 for a job under way; 1 for a job that came back already failed (it is recorded, and terminal).
    public var exitCode: Int32 { video.phase == .failed ? 1 : 0 }

    /// The code a run that created nothing ends with, as stored in `sync_run` (docs/operations.md, Exit codes).
    static func exitCode(for failure: CreationFailure) -> Int32 {
        switch failure {
        case .refused(let status, _, _) where status == 401 || status == 403: 77
        case .refused(let status, _, _) where (400..<500).contains(status) && ![408, 409, 429].contains(status): 65
        case .refused, .unreadableAnswer: 1
        case .notSent, .noAnswer: 69
        }
    }
}
