import Foundation
import VideoModel

/// One page of `GET /videos` (`{"object":"list","data":[...],"first_id","last_id","has_more"}`).
public struct VideoPage: Sendable, Equatable, Decodable {
    /// The videos on this page.
    public var data: [Video]
    /// The id of the first video on the page.
    public var firstID: String?
    /// The id of the last video on the page: the `after` cursor of the next page.
    public var lastID: String?
    /// Whether another page follows.
    public var hasMore: Bool

    /// Creates a page from its parts.
    public init(data: [Video], firstID: String? = nil, lastID: String? = nil, hasMore: Bool = false) {
        self.data = data
        self.firstID = firstID
        self.lastID = lastID
        self.hasMore = hasMore
    }

    /// Decodes one list body; throws `VideoAPIError.malformedBody` when it is not an object with a `data` array of videos.
    public static func decode(from body: Data) throws(VideoAPIError) -> VideoPage {
        try VideoPage(json: LenientBody.parse(body))
    }

    /// Decodes leniently through any `Decoder`, by the same rules as ``decode(from:)``.
    public init(from decoder: any Decoder) throws {
        self = try LenientBody.decode(decoder, VideoPage.init(json:))
    }

    init(json: JSONValue) throws(VideoAPIError) {
        guard case .object(let members) = json else {
            throw .malformedBody("expected a JSON object, found \(json.kindName)")
        }
        guard let list = members["data"] else { throw .malformedBody("missing \"data\"") }
        guard case .array(let items) = list else {
            throw .malformedBody("\"data\" is \(list.kindName), not an array")
        }
        var videos: [Video] = []
        videos.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            do {
                videos.append(try Video(json: item))
            } catch {
                throw .malformedBody("item \(position) of \"data\": \(error.reason)")
            }
        }
        data = videos
        firstID = members["first_id"]?.stringValue
        lastID = members["last_id"]?.stringValue
        hasMore = members["has_more"]?.boolValue ?? false
    }
}

/// Why a page of `GET /videos` could not be read.
public enum ListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider has no list endpoint: it answered 404, 405 or 501, a redirect, or an HTML page; or a gateway
    /// cannot route a list (the LiteLLM proxy in router mode answers 400 "LLM Provider NOT provided").
    case unsupported(status: Int, detail: String)
    /// The page after a cursor repeated videos already listed: the provider (or a gateway in front of it, such as the
    /// LiteLLM proxy in single mode) drops the `after` parameter, so only the newest page can be read.
    case ignoresCursor
    /// Any other failure, after the retries: an HTTP error, no response, or a body that is not a page.
    case failed(VideoAPIError)

    /// One line that says what to do.
    public var description: String {
        switch self {
        case .unsupported(let status, let detail):
            return "this provider does not support listing videos (HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")): track ids by hand or use submit"
        case .ignoresCursor:
            return "the provider ignores the list cursor (the next page repeated the first, as the LiteLLM proxy does): only the newest page was read; track older ids by hand (soratrack track ID..., or track --from FILE)"
        case .failed(let error):
            if case .http(let status, _, _) = error, status == 401 || status == 403 {
                return "the API rejected the key (\(error)); nothing was listed: check --api-key-file or SORATRACK_API_KEY"
            }
            return "listing videos failed: \(error)"
        }
    }
}

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
