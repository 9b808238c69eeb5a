import Crypto
import Foundation
import VideoModel

extension ContentVariant {
    /// The file name of this asset of video `id`: `video_123.mp4` for an id of letters, digits and `_ - . :` that
    /// does not start with a dot (up to 100 characters). Any other id (a gateway's base64 with `/`, `+`, `=`, or one
    /// that could climb out of the folder) gets a derived name: the id with every other character replaced by `_`,
    /// cut to 60 characters (a leading dot too), then `-` and 16 hex digits of its SHA-256, so two ids never share a file.
    public func fileName(for id: VideoID) -> String {
        let raw = id.rawValue
        let isPlain = raw.utf8.count <= 100 && raw.first != "." && raw.utf8.allSatisfy(Self.isPlainNameByte)
        if isPlain { return raw + "." + fileExtension }
        var readable = Array(raw.utf8.prefix(60).map { Self.isPlainNameByte($0) ? $0 : UInt8(ascii: "_") })
        if readable.first == UInt8(ascii: ".") { readable[0] = UInt8(ascii: "_") }  // no hidden files
        let digest = DownloadDigest.hex(SHA256.hash(data: Data(raw.utf8))).prefix(16)
        return String(decoding: readable, as: UTF8.self) + "-" + digest + "." + fileExtension
    }

    private static func isPlainNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}

/// SHA-256 digests as soratrack stores and prints them: 64 lowercase hex digits.
enum DownloadDigest {
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
