import Foundation

/// Which asset of a finished video `GET /videos/{id}/content?variant=` returns.
public enum ContentVariant: String, Sendable, CaseIterable, Codable {
    /// The MP4 video (the default when no variant is sent).
    case video
    /// A WebP still image.
    case thumbnail
    /// A JPEG sheet of frames.
    case spritesheet

    /// The media type the API answers with.
    public var mediaType: String {
        switch self {
        case .video: "video/mp4"
        case .thumbnail: "image/webp"
        case .spritesheet: "image/jpeg"
        }
    }

    /// The file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .video: "mp4"
        case .thumbnail: "webp"
        case .spritesheet: "jpg"
        }
    }

    /// The `variant` query value; nil for the video, which is the API's default.
    public var queryValue: String? {
        self == .video ? nil : rawValue
    }

    /// Whether `contentType` (parameters such as `; charset` ignored, case ignored) is this variant's media type.
    public func accepts(contentType: String?) -> Bool {
        Self.mediaType(of: contentType) == mediaType
    }

    /// Whether `contentType` is a generic binary type, for which the first bytes decide (see ``hasSignature(_:)``).
    public static func isGenericBinary(_ contentType: String?) -> Bool {
        ["application/octet-stream", "binary/octet-stream", "application/binary"].contains(mediaType(of: contentType))
    }

    /// How many leading bytes ``hasSignature(_:)`` needs.
    public static let signatureLength = 12

    /// Whether `prefix` starts the way a file of this variant starts (MP4 `ftyp` box, RIFF…WEBP, JPEG SOI marker).
    public func hasSignature(_ prefix: [UInt8]) -> Bool {
        switch self {
        case .video:
            return prefix.count >= 8 && Array(prefix[4..<8]) == Array("ftyp".utf8)
        case .thumbnail:
            return prefix.count >= 12 && Array(prefix[0..<4]) == Array("RIFF".utf8) && Array(prefix[8..<12]) == Array("WEBP".utf8)
        case .spritesheet:
            return prefix.count >= 3 && prefix[0] == 0xFF && prefix[1] == 0xD8 && prefix[2] == 0xFF
        }
    }

    /// The media type of a `Content-Type` value, lowercased and without parameters; nil when absent or empty.
    public static func mediaType(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}
