import Foundation
import GRDB

/// One recorded poll attempt (a row of `snapshot`).
public struct Snapshot: Sendable, Equatable {
    public var videoID: String
    /// Local time of the attempt, unix milliseconds.
    public var polledAt: Int64
    public var attempt: Int
    /// Nil for a transport failure (no response).
    public var httpStatus: Int?
    public var status: String?
    public var progress: Int?
    public var errorCode: String?
    public var errorMessage: String?
    public var completedAt: Int64?
    public var expiresAt: Int64?
    public var requestID: String?
    public var pollError: String?
    public var runID: Int64?
    /// The raw response body exactly as received, when there was one.
    public var body: Data?

    static let selection = """
        job.video_id, snapshot.polled_at, snapshot.attempt, snapshot.http_status, snapshot.status,
        snapshot.progress, snapshot.error_code, snapshot.error_message, snapshot.completed_at,
        snapshot.expires_at, snapshot.request_id, snapshot.poll_error, snapshot.run_id, body.content
        """

    init(row: Row) {
        videoID = row["video_id"]
        polledAt = row["polled_at"]
        attempt = row["attempt"]
        httpStatus = row["http_status"]
        status = row["status"]
        progress = row["progress"]
        errorCode = row["error_code"]
        errorMessage = row["error_message"]
        completedAt = row["completed_at"]
        expiresAt = row["expires_at"]
        requestID = row["request_id"]
        pollError = row["poll_error"]
        runID = row["run_id"]
        body = StoredBody.bytes(row["content"])
    }

    /// Every stored value, as another store reads it.
    public init(videoID: String, polledAt: Int64, attempt: Int, httpStatus: Int?, status: String?, progress: Int?, errorCode: String?, errorMessage: String?, completedAt: Int64?, expiresAt: Int64?, requestID: String?, pollError: String?, runID: Int64?, body: Data?) {
        self.videoID = videoID
        self.polledAt = polledAt
        self.attempt = attempt
        self.httpStatus = httpStatus
        self.status = status
        self.progress = progress
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.requestID = requestID
        self.pollError = pollError
        self.runID = runID
        self.body = body
    }
}

/// Reading back a `body.content` value: TEXT for UTF-8 bodies, BLOB for the rest (see `storeBody`).
enum StoredBody {
    /// The bytes exactly as received, or nil when there is no body (NULL).
    static func bytes(_ value: DatabaseValue) -> Data? {
        switch value.storage {
        case .string(let text): Data(text.utf8)
        case .blob(let data): data
        default: nil
        }
    }
}
