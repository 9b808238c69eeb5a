import Foundation

/// The error object inside a failed video (`{"code","message"}`), or an HTTP error body.
public struct APIErrorInfo: Sendable, Equatable {
    /// Machine-readable code such as `model_not_found`; an empty code is nil.
    public var code: String?
    /// Human-readable explanation.
    public var message: String?
    /// Error class such as `invalid_request_error` or `comet_api_error`.
    public var type: String?
    /// The request parameter at fault; an empty param is nil.
    public var param: String?

    /// Creates an error description; empty strings are stored as nil.
    public init(code: String? = nil, message: String? = nil, type: String? = nil, param: String? = nil) {
        self.code = Self.nonEmpty(code)
        self.message = Self.nonEmpty(message)
        self.type = Self.nonEmpty(type)
        self.param = Self.nonEmpty(param)
    }

    /// Parses an error body: OpenAI envelope, CometAPI variants, bare `{code,message}`, `"error": "text"`, HTML pages or plain text; nil for an empty body.
    public static func parse(body: Data, contentType: String?) -> APIErrorInfo? {
        guard body.contains(where: { !Self.isSpace($0) }) else { return nil }
        if let json = try? JSONValue.parse(body), let info = from(json: json) {
            return info.unwrappingGatewayMessage()
        }
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        if BodyText.isHTML(text, contentType: contentType) {
            return APIErrorInfo(message: BodyText.htmlSummary(text))
        }
        return APIErrorInfo(message: BodyText.excerpt(text))
    }

    /// Parses an error body given as bytes, by the same rules as the `Data` form.
    public static func parse(body: [UInt8], contentType: String?) -> APIErrorInfo? {
        parse(body: Data(body), contentType: contentType)
    }

    /// One readable line: "model_not_found: no available channel …" or just the message.
    public var summary: String {
        let text = message.map(BodyText.oneLine)
        switch (code, text) {
        case let (code?, text?): return "\(code): \(text)"
        case let (nil, text?): return text
        case let (code?, nil): return code
        case (nil, nil): return type ?? "no details given"
        }
    }

    /// The upstream's own error when this one is a gateway's envelope around it.
    ///
    /// The LiteLLM proxy answers every upstream error as `{"error":{"message":"litellm.NotFoundError: … OpenAIException -
    /// <the upstream's JSON body>…","code":"404",…}}`: its `code` is the HTTP status as text, and the upstream's code
    /// (`video_not_found`, `model_not_found`, …) survives only inside the message. When the message holds such a JSON
    /// body with a code or message of its own, that inner error is the one that says what went wrong (and the one the
    /// no-retry rules read); otherwise the envelope stands, without the status it repeats as its code.
    func unwrappingGatewayMessage() -> APIErrorInfo {
        guard let message, message.hasPrefix("litellm.") else { return self }
        // The gateway's `code` is only the HTTP status again: no code of the error's own.
        let ownCode = code?.allSatisfy(\.isNumber) == true ? nil : code
        guard let marker = message.range(of: "Exception - ") else {
            return APIErrorInfo(code: ownCode, message: message, type: type, param: param)
        }
        let rest = message[marker.upperBound...]
        guard let start = rest.firstIndex(of: "{"), let object = Self.jsonObject(startingAt: start, in: rest),
            let json = try? JSONValue.parse(Data(object.utf8)), let inner = Self.from(json: json)
        else { return APIErrorInfo(code: ownCode, message: message, type: type, param: param) }
        return APIErrorInfo(
            code: inner.code ?? ownCode,
            message: inner.message ?? message, type: inner.type ?? type, param: inner.param ?? param)
    }

    /// The balanced `{…}` that starts at `start` (strings and escapes respected); nil when it never closes.
    private static func jsonObject(startingAt start: Substring.Index, in text: Substring) -> Substring? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "{" {
                depth += 1
            } else if character == "}" {
                depth -= 1
                if depth == 0 { return text[start...index] }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The error of a video, or a whole error body, from parsed JSON; nil when it says nothing.
    static func from(json: JSONValue) -> APIErrorInfo? {
        switch json {
        case .string(let text):
            return nonEmpty(text).map { APIErrorInfo(message: $0) }
        case .object(let members):
            if let inner = members["error"] {
                switch inner {
                case .object: if let info = fields(of: inner) { return info }
                case .string(let text): if let text = nonEmpty(text) { return APIErrorInfo(message: text, type: members["type"]?.stringValue) }
                default: break
                }
            }
            if let info = fields(of: json) { return info }
            if let detail = members["detail"]?.textValue ?? members["msg"]?.textValue {
                return nonEmpty(detail).map { APIErrorInfo(message: $0) }
            }
            return nil
        default:
            return nil
        }
    }

    /// Reads `code`, `message`, `type`, `param` from one object; nil when none is set.
    private static func fields(of object: JSONValue) -> APIErrorInfo? {
        let info = APIErrorInfo(
            code: object["code"]?.textValue,
            message: object["message"]?.textValue,
            type: object["type"]?.stringValue,
            param: object["param"]?.textValue)
        return info.code == nil && info.message == nil ? nil : info
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
