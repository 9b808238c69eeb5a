import Foundation

/// The normalised phase of a job (docs/reports.md, Phases), including the two local terminal phases.
public enum Phase: String, Sendable, Codable, CaseIterable {
    /// Accepted, not started (`queued`, `pending`, `submitted`).
    case queued
    /// Being generated (`in_progress`, `processing`, `running`).
    case running
    /// Finished with a video (`completed`, `succeeded`, `success`).
    case completed
    /// Finished without a video (`failed`, `error`, `cancelled`, `canceled`, `expired`).
    case failed
    /// A status this tool does not know; polled like a running job.
    case unknown
    /// Locally given up: still not finished long after it was created.
    case abandoned
    /// Locally given up: the provider answered 404 several polls in a row.
    case notFound = "not_found"

    /// Maps a provider status (case-insensitive, trimmed) to its phase; unknown strings give `.unknown`.
    public init(providerStatus: String) {
        switch providerStatus.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "queued", "pending", "submitted": self = .queued
        case "in_progress", "processing", "running": self = .running
        case "completed", "succeeded", "success": self = .completed
        case "failed", "error", "cancelled", "canceled", "expired": self = .failed
        default: self = .unknown
        }
    }

    /// Whether the job will not change any more (completed, failed, abandoned, not found).
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .abandoned, .notFound: true
        case .queued, .running, .unknown: false
        }
    }
}
