import Foundation

/// A video job as the provider returns it, decoded leniently: only `id` and `status` are required.
public struct Video: Sendable, Equatable, Decodable {
    /// The provider's id for the job (not validated here).
    public var id: String
    /// The raw status string, verbatim.
    public var status: String
    /// The object type, normally "video".
    public var object: String?
    /// The model, e.g. "sora-2".
    public var model: String?
    /// Approximate completion percentage.
    public var progress: Int?
    /// When the job was created (unix seconds, provider clock).
    public var createdAt: Int64?
    /// When the job finished (unix seconds), if it has.
    public var completedAt: Int64?
    /// When the downloadable assets expire (unix seconds), if set.
    public var expiresAt: Int64?
    /// The prompt that was used.
    public var prompt: String?
    /// The resolution, e.g. "1280x720".
    public var size: String?
    /// Clip length in seconds, as text ("4", "4.5").
    public var seconds: String?
    /// The source video when this job is a remix.
    public var remixedFromVideoID: String?
    /// Why the job failed, when it did.
    public var error: APIErrorInfo?
    /// Where the finished file can be fetched without the content endpoint, when the body says so: CometAPI's
    /// `video_url`, OpenRouter's signed `urls[0]` (else its `unsigned_urls[0]`), Together's `outputs.video_url`.
    public var fileURL: String?

    /// The normalised phase of `status`.
    public var phase: Phase { Phase(providerStatus: status) }

    /// Creates a video from its fields.
    public init(
        id: String, status: String, object: String? = nil, model: String? = nil, progress: Int? = nil,
        createdAt: Int64? = nil, completedAt: Int64? = nil, expiresAt: Int64? = nil, prompt: String? = nil,
        size: String? = nil, seconds: String? = nil, remixedFromVideoID: String? = nil, error: APIErrorInfo? = nil
    ) {
        self.id = id
        self.status = status
        self.object = object
        self.model = model
        self.progress = progress
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.prompt = prompt
        self.size = size
        self.seconds = seconds
        self.remixedFromVideoID = remixedFromVideoID
        self.error = error
    }

    /// Decodes one body; throws `VideoAPIError.malformedBody` with a short reason when it is not a JSON object with string `id` and `status`.
    public static func decode(from body: Data) throws(VideoAPIError) -> Video {
        try Video(json: LenientBody.parse(body))
    }

    /// Decodes leniently through any `Decoder`, by the same rules as ``decode(from:)``.
    public init(from decoder: any Decoder) throws {
        self = try LenientBody.decode(decoder, Video.init(json:))
    }

    /// Reads a video out of parsed JSON: only `id` and `status` are required.
    package init(json: JSONValue) throws(VideoAPIError) {
        guard case .object(let members) = json else {
            throw .malformedBody("expected a JSON object, found \(json.kindName)")
        }
        id = try Self.requiredString("id", in: members)
        status = try Self.requiredString("status", in: members)
        object = members["object"]?.stringValue
        model = members["model"]?.stringValue
        progress = members["progress"]?.integerValue.flatMap { Int(exactly: $0) }
        createdAt = Self.timestamp(members["created_at"])
        completedAt = Self.timestamp(members["completed_at"])
        expiresAt = Self.timestamp(members["expires_at"])
        prompt = members["prompt"]?.stringValue
        size = members["size"]?.stringValue
        seconds = members["seconds"]?.textValue
        remixedFromVideoID = members["remixed_from_video_id"]?.stringValue
        error = members["error"].flatMap(APIErrorInfo.from(json:))
        fileURL = Self.fileURL(in: json)
    }

    /// The first usable http(s) URL among the fields gateways put the file's address in.
    private static func fileURL(in json: JSONValue) -> String? {
        let candidates: [JSONValue?] = [
            json["video_url"], json["urls"]?.first, json["unsigned_urls"]?.first, json["outputs"]?["video_url"],
        ]
        return candidates.lazy.compactMap { $0?.stringValue }.first { text in
            let lowered = text.lowercased()
            return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
        }
    }

    private static func requiredString(_ key: String, in members: [String: JSONValue]) throws(VideoAPIError) -> String {
        guard let value = members[key] else { throw .malformedBody("missing \"\(key)\"") }
        guard case .string(let text) = value else {
            throw .malformedBody("\"\(key)\" is \(value.kindName), not a string")
        }
        return text
    }

    /// Unix seconds from an integer, float or numeric string; values above 10^11 are milliseconds.
    private static func timestamp(_ value: JSONValue?) -> Int64? {
        guard let raw = value?.integerValue else { return nil }
        return raw > 100_000_000_000 ? raw / 1000 : raw
    }
}
