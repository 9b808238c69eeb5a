import Foundation
import GRDB
import VideoModel

/// The latest known state of one tracked video (a row of `job`).
public struct Job: Sendable, Equatable {
    public var videoID: String
    /// The provider's raw status from the newest successful poll.
    public var providerStatus: String?
    /// `abandoned` or `not_found` when soratrack ended the job locally.
    public var localState: String?
    public var phase: Phase
    public var model: String?
    public var size: String?
    public var seconds: String?
    public var progress: Int?
    public var prompt: String?
    public var createdAt: Int64?
    public var completedAt: Int64?
    public var expiresAt: Int64?
    public var errorCode: String?
    public var errorMessage: String?
    public var remixedFromVideoID: String?
    public var label: String?
    public var tracking: Bool
    /// Local times in unix milliseconds.
    public var firstSeenAt: Int64
    public var lastPolledAt: Int64?
    public var polls: Int
    public var consecutive404s: Int
    /// When its video was last downloaded successfully (unix milliseconds); nil when never.
    public var downloadedAt: Int64?

    /// The status shown to people: the local state when soratrack ended the job, else the provider's.
    public var status: String? { localState ?? providerStatus }

    /// `completed_at − created_at` in seconds, when both are known.
    public var durationSeconds: Int64? {
        guard let createdAt, let completedAt else { return nil }
        return completedAt - createdAt
    }

    /// True when the provider's status is not one soratrack knows.
    public var hasUnknownStatus: Bool { phase == .unknown && providerStatus != nil }

    static let selection = """
        video_id, status, local_state, phase, model, size, seconds, progress, prompt, created_at, completed_at,
        expires_at, error_code, error_message, remixed_from_video_id, label, tracking, first_seen_at,
        last_polled_at, polls, consecutive_404s, \(JobDatabase.videoDownloadedAt) AS downloaded_at
        """

    init(row: Row) {
        videoID = row["video_id"]
        providerStatus = row["status"]
        localState = row["local_state"]
        phase = Phase(rawValue: row["phase"] ?? "unknown") ?? .unknown
        model = row["model"]
        size = row["size"]
        seconds = row["seconds"]
        progress = row["progress"]
        prompt = row["prompt"]
        createdAt = row["created_at"]
        completedAt = row["completed_at"]
        expiresAt = row["expires_at"]
        errorCode = row["error_code"]
        errorMessage = row["error_message"]
        remixedFromVideoID = row["remixed_from_video_id"]
        label = row["label"]
        tracking = row["tracking"]
        firstSeenAt = row["first_seen_at"]
        lastPolledAt = row["last_polled_at"]
        polls = row["polls"]
        consecutive404s = row["consecutive_404s"]
        downloadedAt = row["downloaded_at"]
    }

    /// Every stored value, as another store reads it.
    public init(videoID: String, providerStatus: String?, localState: String?, phase: Phase, model: String?, size: String?, seconds: String?, progress: Int?, prompt: String?, createdAt: Int64?, completedAt: Int64?, expiresAt: Int64?, errorCode: String?, errorMessage: String?, remixedFromVideoID: String?, label: String?, tracking: Bool, firstSeenAt: Int64, lastPolledAt: Int64?, polls: Int, consecutive404s: Int, downloadedAt: Int64?) {
        self.videoID = videoID
        self.providerStatus = providerStatus
        self.localState = localState
        self.phase = phase
        self.model = model
        self.size = size
        self.seconds = seconds
        self.progress = progress
        self.prompt = prompt
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.remixedFromVideoID = remixedFromVideoID
        self.label = label
        self.tracking = tracking
        self.firstSeenAt = firstSeenAt
        self.lastPolledAt = lastPolledAt
        self.polls = polls
        self.consecutive404s = consecutive404s
        self.downloadedAt = downloadedAt
    }
}
