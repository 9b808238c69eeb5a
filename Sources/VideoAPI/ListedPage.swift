import Foundation
import VideoModel

/// One page of `GET /videos` as it arrived: the page, each listed video as a snapshot, and the response's facts.
public struct ListedPage: Sendable {
    /// The decoded page.
    public var page: VideoPage
    /// Each video with a usable id, in page order, as a snapshot of this response: HTTP status, request id and
    /// times of the page, and the item's own bytes as its body.
    public var items: [PollAttempt]
    /// Ids on the page that are not usable video ids (skipped).
    public var unusableIDs: [String]
    /// The `x-request-id` of the page's response.
    public var requestID: String?
    /// Requests made for this page, retries included.
    public var attempts: Int

    /// A listed page from its parts.
    public init(page: VideoPage, items: [PollAttempt], unusableIDs: [String] = [], requestID: String? = nil, attempts: Int = 1) {
        self.page = page
        self.items = items
        self.unusableIDs = unusableIDs
        self.requestID = requestID
        self.attempts = attempts
    }
}
