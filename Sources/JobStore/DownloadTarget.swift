import Foundation
import VideoModel

/// A job as a download sees it: whether it can be fetched, and what earlier downloads of the variant left.
public struct DownloadTarget: Sendable, Equatable {
    /// The video.
    public var videoID: VideoID
    /// Its phase (only completed jobs have content).
    public var phase: Phase
    /// When its content expires, unix seconds; nil when the provider never said.
    public var expiresAt: Int64?
    /// The newest successful download of the variant, if any.
    public var lastSuccess: Saved?
    /// The HTTP status of the newest attempt when it failed (nil: it succeeded, had no response, or none was made).
    public var lastFailedStatus: Int?
    /// Where its newest successful answer said the file is, for providers without a content endpoint.
    public var fileURL: String?

    /// A file an earlier attempt put in place.
    public struct Saved: Sendable, Equatable {
        /// Absolute path of the file.
        public var path: String
        /// Its size in bytes.
        public var bytes: Int64
        /// Lowercase hex SHA-256.
        public var sha256: String
        /// When it was in place, unix milliseconds.
        public var finishedAt: Int64

        /// A saved file.
        public init(path: String, bytes: Int64, sha256: String, finishedAt: Int64) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.finishedAt = finishedAt
        }
    }

    /// A download target.
    public init(
        videoID: VideoID, phase: Phase, expiresAt: Int64?, lastSuccess: Saved? = nil, lastFailedStatus: Int? = nil,
        fileURL: String? = nil
    ) {
        self.fileURL = fileURL
        self.videoID = videoID
        self.phase = phase
        self.expiresAt = expiresAt
        self.lastSuccess = lastSuccess
        self.lastFailedStatus = lastFailedStatus
    }

    /// Whether its content has expired at `now` (`expires_at ≤ now`, unix seconds).
    public func isExpired(now: Int64) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
