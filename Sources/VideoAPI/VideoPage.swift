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
