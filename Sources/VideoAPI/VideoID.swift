/// A validated video id: 1–128 chars of ASCII letters, digits, `_ - . :`; also refused: an id made only of dots or containing "..".
public struct VideoID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The longest id accepted.
    public static let maxLength = 128

    /// The id as the provider spells it.
    public let rawValue: String

    /// Accepts `raw` when it is a well-formed id, or says what is wrong with it.
    public init(validating raw: String) throws(VideoIDError) {
        let utf8 = raw.utf8
        guard !utf8.isEmpty else { throw .empty }
        guard utf8.allSatisfy(Self.isAllowed) else { throw .invalidCharacters(raw) }
        guard utf8.count <= Self.maxLength else { throw .tooLong(raw) }
        if utf8.allSatisfy({ $0 == UInt8(ascii: ".") }) || raw.contains("..") {
            throw .dotSequence(raw)
        }
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

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
