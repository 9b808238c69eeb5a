/// A validated video id. Ids are opaque: gateways wrap the provider's id (LiteLLM's are base64 and may hold `+`, `/`
/// and `=`), so any 1–1024 bytes of printable ASCII without spaces or control characters is accepted. An id is
/// percent-encoded wherever it goes into a URL and never used raw as a file name (see
/// ``ContentVariant/fileName(for:)``). Only `.` and `..`, which a URL would read as path steps, are refused.
public struct VideoID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The longest id accepted, in bytes.
    public static let maxLength = 1024

    /// The id as the provider spells it.
    public let rawValue: String

    /// Accepts `raw` when it is a well-formed id, or says what is wrong with it.
    public init(validating raw: String) throws(VideoIDError) {
        let utf8 = raw.utf8
        guard !utf8.isEmpty else { throw .empty }
        if let bad = utf8.first(where: { !Self.isAllowed($0) }) {
            throw bad == UInt8(ascii: " ") ? .space(raw) : .invalidCharacters(raw)
        }
        guard utf8.count <= Self.maxLength else { throw .tooLong(raw) }
        guard raw != ".", raw != ".." else { throw .dotSegment(raw) }
        rawValue = raw
    }

    /// The id itself.
    public var description: String { rawValue }

    /// Orders ids by their text.
    public static func < (lhs: VideoID, rhs: VideoID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// Decodes a JSON string and validates it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(validating: raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the id as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Printable ASCII without the space: `!` (0x21) to `~` (0x7E).
    private static func isAllowed(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E
    }
}

/// Why a text is not a valid video id; the message quotes the id and says what is allowed.
public enum VideoIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id is empty.
    case empty
    /// The id is longer than 1024 bytes.
    case tooLong(String)
    /// The id holds a space.
    case space(String)
    /// The id holds a control character or a byte outside printable ASCII.
    case invalidCharacters(String)
    /// The id is `.` or `..`, which a URL reads as a path step, not a name.
    case dotSegment(String)

    /// One readable line, e.g. `"ab c": an id may not hold spaces (an id is 1–1024 bytes of printable ASCII)`.
    public var description: String {
        let rule = "an id is 1–\(VideoID.maxLength) bytes of printable ASCII without spaces"
        switch self {
        case .empty:
            return "an empty id is not valid: \(rule)"
        case .tooLong(let raw):
            return "\(Self.quote(raw)): an id may be at most \(VideoID.maxLength) bytes (this one has \(raw.utf8.count))"
        case .space(let raw):
            return "\(Self.quote(raw)): an id may not hold spaces (\(rule))"
        case .invalidCharacters(let raw):
            return "\(Self.quote(raw)): an id may only hold printable ASCII characters (\(rule))"
        case .dotSegment(let raw):
            return "\(Self.quote(raw)): \".\" and \"..\" are not ids (\(rule))"
        }
    }

    /// Quotes an id with escapes for control characters, shortened when very long.
    private static func quote(_ raw: String) -> String {
        let shown = raw.count > 60 ? String(raw.prefix(57)) + "…" : raw
        return shown.debugDescription
    }
}
