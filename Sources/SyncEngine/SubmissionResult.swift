import VideoAPI
import VideoModel

/// A job created by `submit` or `remix` and recorded.
public struct SubmissionResult: Sendable, Equatable {
    /// The new job's id.
    public var videoID: VideoID
    /// The job as the create answer described it.
    public var video: Video
    /// The `x-request-id` of that answer.
    public var requestID: String?

    /// Ok for a job under way; partial for a job that came back already failed (it is recorded, and terminal).
    public var exitCode: ExitStatus { video.phase == .failed ? .partial : .ok }

    /// How a run that created nothing ends, as stored in `sync_run` (docs/operations.md, Exit codes).
    public static func exitStatus(for failure: CreationFailure) -> ExitStatus {
        switch failure {
        case .refused(let status, _, _) where status == 401 || status == 403: .noPermission
        case .refused(let status, _, _) where (400..<500).contains(status) && ![408, 409, 429].contains(status): .dataError
        case .refused, .unreadableAnswer: .partial
        case .notSent, .noAnswer: .unavailable
        }
    }
}
