import Foundation

/// The state of one simulated job at the current virtual time.
public struct SimulatedVideo: Sendable, Hashable {
    /// The job id (`video_` + 32 hex digits).
    public var id: String
    /// `queued`, `in_progress`, `completed` or `failed`.
    public var status: String
    /// Approximate completion percentage, 0–100.
    public var progress: Int
    /// When the job was created (whole seconds).
    public var createdAt: Date
    /// When the job completed; nil while running and for failed jobs.
    public var completedAt: Date?
    /// When the downloadable assets expire (`completedAt` + 3600 s); nil unless completed.
    public var expiresAt: Date?
    /// The model, such as `sora-2`.
    public var model: String
    /// The resolution, such as `720x1280`.
    public var size: String
    /// The clip length in seconds, as the string the API uses.
    public var seconds: String
    /// The prompt the job was created with.
    public var prompt: String
    /// `error.code` of a failed job.
    public var errorCode: String?
    /// `error.message` of a failed job.
    public var errorMessage: String?
    /// The source job of a remix.
    public var remixedFromVideoID: String?

    /// Whether the job has reached `completed` or `failed`.
    public var isTerminal: Bool { status == "completed" || status == "failed" }
}
