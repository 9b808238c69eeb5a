import Foundation
import GRDB
import VideoModel

/// One recorded download attempt (a row of `download`).
public struct DownloadRecord: Sendable, Equatable {
    public var videoID: String
    public var variant: ContentVariant
    /// When the request started, unix milliseconds.
    public var attemptedAt: Int64
    /// When the file was in place or the attempt failed, unix milliseconds.
    public var finishedAt: Int64?
    /// Nil when no response head arrived.
    public var httpStatus: Int?
    public var requestID: String?
    public var contentType: String?
    public var ok: Bool
    /// Absolute path of the file (ok rows).
    public var path: String?
    /// Size of the file (ok rows).
    public var bytes: Int64?
    /// Lowercase hex SHA-256 of the file (ok rows).
    public var sha256: String?
    /// What went wrong (failed rows).
    public var error: String?
    /// The body the server sent instead of the content, when it sent one.
    public var body: Data?

    static let selection = """
        job.video_id, download.variant, download.attempted_at, download.finished_at, download.http_status,
        download.request_id, download.content_type, download.ok, download.path, download.bytes, download.sha256,
        download.error, body.content
        """

    init(row: Row) {
        videoID = row["video_id"]
        variant = ContentVariant(rawValue: row["variant"]) ?? .video
        attemptedAt = row["attempted_at"]
        finishedAt = row["finished_at"]
        httpStatus = row["http_status"]
        requestID = row["request_id"]
        contentType = row["content_type"]
        ok = row["ok"]
        path = row["path"]
        bytes = row["bytes"]
        sha256 = row["sha256"]
        error = row["error"]
        body = StoredBody.bytes(row["content"])
    }

    /// Every stored value, as another store reads it.
    public init(videoID: String, variant: ContentVariant, attemptedAt: Int64, finishedAt: Int64?, httpStatus: Int?, requestID: String?, contentType: String?, ok: Bool, path: String?, bytes: Int64?, sha256: String?, error: String?, body: Data?) {
        self.videoID = videoID
        self.variant = variant
        self.attemptedAt = attemptedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.contentType = contentType
        self.ok = ok
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.error = error
        self.body = body
    }
}
