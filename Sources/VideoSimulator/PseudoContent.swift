/// Deterministic stand-in bytes for a finished video's assets: a real file signature, then seeded noise.
enum PseudoContent {
    /// The downloadable variants and their media types.
    static let mediaTypes: [String: String] = [
        "video": "video/mp4",
        "thumbnail": "image/webp",
        "spritesheet": "image/jpeg",
    ]

    /// A few KB for `variant` of video `id`; the same seed, id and variant always give the same bytes.
    static func bytes(seed: UInt64, videoID id: String, variant: String) -> [UInt8] {
        var random = SeededRandom(seed: seed, stream: .content, index: SeededRandom.hash(id + "/" + variant))
        let count = 2048 + Int(random.next() % 6144)
        var bytes: [UInt8]
        switch variant {
        case "thumbnail":
            // RIFF container with its little-endian length, then a WebP VP8 chunk tag.
            let riffLength = UInt32(count - 8)
            bytes = Array("RIFF".utf8) + (0..<4).map { UInt8(truncatingIfNeeded: riffLength >> ($0 * 8)) }
            bytes += Array("WEBPVP8 ".utf8)
        case "spritesheet":
            bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00]
        default:
            // An ISO base media `ftyp` box, as every MP4 file starts.
            bytes = [0x00, 0x00, 0x00, 0x18] + Array("ftypmp42".utf8) + [0x00, 0x00, 0x00, 0x00]
            bytes += Array("mp42isom".utf8)
        }
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        if variant == "spritesheet" {
            bytes[count - 2] = 0xFF
            bytes[count - 1] = 0xD9
        }
        return bytes
    }
}
