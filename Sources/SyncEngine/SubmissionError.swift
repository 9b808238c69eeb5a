import JobStore
import VideoAPI

/// A job was created but could not be recorded.
public enum SubmissionError: Error, Sendable, CustomStringConvertible {
    /// The provider created the job; the database write failed.
    case notRecorded(VideoID, StoreError)
    /// No job is known but one may exist (no answer, or an answer that was not a usable video): the request stays in
    /// the create ledger as row `ledgerRow` of `create_attempt`, outcome `unknown`, for the user to check.
    case unconfirmed(CreationFailure, ledgerRow: Int64)

    public var description: String {
        switch self {
        case .notRecorded(let id, let error):
            return "the job \(id) was created but not recorded (\(error)); once the database is fixed: soratrack track \(id)"
        case .unconfirmed(let failure, let row):
            return "\(failure) (the request is row \(row) of create_attempt in the database)"
        }
    }
}
