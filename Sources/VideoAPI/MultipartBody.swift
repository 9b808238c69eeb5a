import Foundation
import VideoModel

/// A `multipart/form-data` body laid out byte for byte as the official OpenAI SDKs (through httpx) send it.
///
/// Every part is `--BOUNDARY` CRLF, `Content-Disposition: form-data; name="NAME"` (with `; filename="FILE"` and a
/// `Content-Type: TYPE` line for a file), an empty line, the bytes, CRLF; the body ends with `--BOUNDARY--` CRLF.
/// Names and file names are escaped as HTML 5 forms do (`"` → `%22`, `\` → `\\`, control characters → `%XX`).
public struct MultipartBody: Sendable {
    /// The boundary between parts (32 random hex digits unless a test injects one).
    public let boundary: String
    private var bytes = Data()
    private var finished = false

    /// An empty body; `capacity` reserves room up front so that appending a large file never reallocates (and never
    /// holds two copies of it).
    public init(boundary: String = MultipartBody.randomBoundary(), capacity: Int = 0) {
        self.boundary = boundary
        if capacity > 0 { bytes.reserveCapacity(capacity) }
    }

    /// 16 random bytes as 32 lowercase hex digits, the boundary httpx draws.
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The `Content-Type` header value that goes with this body.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a text field.
    public mutating func appendField(_ name: String, _ value: String) {
        appendHead(name: name, filename: nil, contentType: nil)
        bytes.append(contentsOf: Array(value.utf8))
        bytes.append(contentsOf: Self.crlf)
    }

    /// Adds a file part whose bytes are in memory.
    public mutating func appendFile(_ name: String, filename: String, contentType: String, data: Data) {
        appendHead(name: name, filename: filename, contentType: contentType)
        bytes.append(data)
        bytes.append(contentsOf: Self.crlf)
    }

    /// Adds a file part read from `handle` in chunks straight into the body; returns how many bytes it read.
    ///
    /// Throws `InputReferenceError.tooLarge` when the file holds more than `maxBytes` (it stops reading there).
    public mutating func appendFile(
        _ name: String, filename: String, contentType: String, from handle: FileHandle, path: String, maxBytes: Int
    ) throws(InputReferenceError) -> Int {
        appendHead(name: name, filename: filename, contentType: contentType)
        var total = 0
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: Self.chunkBytes)
            } catch {
                throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
            }
            guard let chunk, !chunk.isEmpty else { break }
            total += chunk.count
            if total > maxBytes { throw .tooLarge(path: path, bytes: total, limit: maxBytes) }
            bytes.append(chunk)
        }
        bytes.append(contentsOf: Self.crlf)
        return total
    }

    /// Closes the body (`--BOUNDARY--` CRLF) and returns its bytes; later calls return the same bytes.
    public mutating func finish() -> Data {
        if !finished {
            bytes.append(contentsOf: Array("--\(boundary)--".utf8) + Self.crlf)
            finished = true
        }
        return bytes
    }

    /// The number of bytes of the head of a part, to size the body before a file is read into it.
    public func headBytes(name: String, filename: String?, contentType: String?) -> Int {
        head(name: name, filename: filename, contentType: contentType).count
    }

    /// The bytes of the closing delimiter plus a part's trailing CRLF, to size the body.
    public var closingBytes: Int { 2 + boundary.utf8.count + 2 + 2 + 2 }

    /// Bytes read from a file at a time.
    static let chunkBytes = 1 << 20
    private static let crlf: [UInt8] = [13, 10]

    private mutating func appendHead(name: String, filename: String?, contentType: String?) {
        precondition(!finished, "a finished multipart body cannot take more parts")
        bytes.append(contentsOf: head(name: name, filename: filename, contentType: contentType))
    }

    private func head(name: String, filename: String?, contentType: String?) -> [UInt8] {
        var text = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escaped(name))\""
        if let filename { text += "; filename=\"\(Self.escaped(filename))\"" }
        if let contentType { text += "\r\nContent-Type: \(contentType)" }
        text += "\r\n\r\n"
        return Array(text.utf8)
    }

    /// HTML 5 form escaping of a parameter value, as httpx does: `"` → `%22`, `\` → `\\`, C0 controls but ESC → `%XX`.
    static func escaped(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "%22"
            case "\\": result += "\\\\"
            case _ where scalar.value <= 0x1F && scalar.value != 0x1B:
                result += String(format: "%%%02X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
