import VideoModel
/// Case-insensitive look-up in an ordered list of header fields.
enum HeaderFields {
    /// Where a request id may be, best first: the upstream's behind a LiteLLM gateway (which prefixes the upstream's
    /// headers with `llm_provider-` and sends no plain `x-request-id`), the API's own, then the gateway's call id.
    static let requestIDNames = ["llm_provider-x-request-id", "x-request-id", "x-litellm-call-id"]

    /// The request id of a response: the upstream's when there is one, else the gateway's call id.
    static func requestID(in headers: [(String, String)]) -> String? {
        for name in requestIDNames {
            if let value = value(name, in: headers), !value.isEmpty { return value }
        }
        return nil
    }

    /// The first value of header `name`, trimmed of spaces and tabs; nil when absent.
    static func value(_ name: String, in headers: [(String, String)]) -> String? {
        guard let raw = first(name, in: headers) else { return nil }
        return trimmed(raw)
    }

    /// The first raw value of header `name`; names compare ASCII case-insensitively (RFC 9110 §5.1).
    static func first(_ name: String, in headers: [(String, String)]) -> String? {
        for (field, value) in headers where equalIgnoringASCIICase(field, name) { return value }
        return nil
    }

    /// Whether two header names are equal ignoring ASCII case, without allocating.
    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                if x == y { continue }
                if lowered(x) != lowered(y) { return false }
            default: return false
            }
        }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }

    private static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = text.lastIndex(where: { !isBlank($0) })!
        return String(text[first...last])
    }
}
