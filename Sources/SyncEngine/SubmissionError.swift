import JobStore
import VideoAPI

/// A job was created but could not be recorded.
public enum SubmissionError: Error, Sendable, CustomStringConvertible {
    /// The provider created the job; the database write failed.
    case notRecorded(VideoID, StoreError)

    public var description: String {
        switch self {
        case .notRecorded(let id, let error):
            return "the job \(id) was created but not recorded (\(error)); once the database is fixed: soratrack track \(id)"
        }
    }
}
