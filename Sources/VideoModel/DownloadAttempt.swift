import Foundation

/// One attempt at downloading an asset of a video, whatever happened: what the database records as a `download` row.
public struct DownloadAttempt: Sendable {
    /// The video asked about.
    public var videoID: VideoID
    /// Which asset.
    public var variant: ContentVariant
    /// 0 for the first try, 1 for the first retry, …
    public var attempt: Int
    /// When the request was sent (client clock).
    public var startedAt: Date
    /// When the file was in place or the attempt failed (client clock).
    public var finishedAt: Date
    /// The HTTP status; nil when no response head arrived.
    public var httpStatus: Int?
    /// The `x-request-id` header.
    public var requestID: String?
    /// The `content-type` header.
    public var contentType: String?
    /// The file written, when the attempt succeeded.
    public var file: SavedFile?
    /// What the server sent instead of the content (an error body, an HTML page), at most
    /// ``VideoAPIClient/maxErrorBodyBytes``, with the API key redacted.
    public var body: Data?
    /// The parsed error of that body.
    public var apiError: APIErrorInfo?
    /// One readable line when the attempt failed, e.g. "HTTP 200 sent application/json instead of video/mp4: …".
    public var error: String?
    /// True when the file could not be written here (disk full, permissions): retrying the request cannot help.
    public var isLocalFailure = false
    /// True when the run was stopped (SIGINT/SIGTERM) while this attempt was in flight.
    public var wasInterrupted = false

    /// Creates an attempt record from its fields.
    public init(
        videoID: VideoID, variant: ContentVariant, attempt: Int, startedAt: Date, finishedAt: Date, httpStatus: Int? = nil,
        requestID: String? = nil, contentType: String? = nil, file: SavedFile? = nil, body: Data? = nil,
        apiError: APIErrorInfo? = nil, error: String? = nil
    ) {
        self.videoID = videoID
        self.variant = variant
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.requestID = requestID
        self.contentType = contentType
        self.file = file
        self.body = body
        self.apiError = apiError
        self.error = error
    }

    /// Whether the file is in place.
    public var ok: Bool { file != nil }

    /// Whether the server refused the API key (401 or 403).
    public var isAuthFailure: Bool { httpStatus == 401 || httpStatus == 403 }
}

/// A downloaded file: where it is, its size and its SHA-256, computed while it streamed.
public struct SavedFile: Sendable, Equatable {
    /// The absolute path of the file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Lowercase hex SHA-256 of its bytes.
    public var sha256: String

    /// A saved file.
    public init(path: String, bytes: Int64, sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }
}
