/// An HTTP error in OpenAI's envelope `{"error":{"message","type","param","code"}}`, or in one of CometAPI's variants.
struct ErrorEnvelope: Error, Sendable, Hashable {
    var status: Int
    var message: String
    var type: String = "invalid_request_error"
    var param: String? = nil
    var code: String? = nil
    /// Which envelope the body uses.
    var shape = Fault.Envelope.openAI

    /// The JSON body in the envelope's shape.
    var body: [UInt8] {
        var json = JSONText(capacity: 160 + message.utf8.count)
        json.beginObject()
        json.key("error")
        json.beginObject()
        switch shape {
        case .openAI, .cometAPI:
            json.field("message", message)
            json.field("type", type)
            json.field("param", param)
            json.field("code", code)
        case .cometAPILegacy:
            json.field("code", code)
            json.field("message", message)
            json.field("type", type)
        }
        json.endObject()
        json.endObject()
        return json.bytes
    }

    /// The body without the envelope: `{"code":…,"message":…}`.
    var bareBody: [UInt8] {
        var json = JSONText(capacity: 48 + message.utf8.count)
        json.beginObject()
        json.field("code", code)
        json.field("message", message)
        json.endObject()
        return json.bytes
    }

    /// 400 for a request the API refuses as invalid.
    static func badRequest(_ message: String, param: String? = nil, code: String? = nil) -> ErrorEnvelope {
        ErrorEnvelope(status: 400, message: message, param: param, code: code)
    }

    /// 404 for an unknown or deleted video, worded as the real API words it.
    static func videoNotFound(_ id: String) -> ErrorEnvelope {
        ErrorEnvelope(status: 404, message: "Video with id '\(id)' not found.")
    }

    /// 404 for a path or method the API does not serve.
    static func invalidURL(method: String, path: String) -> ErrorEnvelope {
        ErrorEnvelope(status: 404, message: "Invalid URL (\(method) \(path))")
    }

    /// 401 for a request without a Bearer token.
    static let missingKey = ErrorEnvelope(
        status: 401,
        message: "You didn't provide an API key. You need to provide your API key in an Authorization header "
            + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
    )

    /// 401 from Azure for a request without an acceptable `api-key` header (a Bearer token is not one), in OpenAI's
    /// envelope with Azure's wording and code.
    static let accessDenied = ErrorEnvelope(
        status: 401,
        message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
            + "for an active subscription and use a correct regional API endpoint for your resource.",
        code: "401"
    )

    /// 401 for a token that is not the configured key; the token is masked as the real API masks it.
    static func incorrectKey(_ token: String) -> ErrorEnvelope {
        ErrorEnvelope(
            status: 401,
            message: "Incorrect API key provided: \(mask(token)). You can find your API key in your account settings.",
            code: "invalid_api_key"
        )
    }

    /// `sk-ab*****wxyz`: the first three and last four characters of a long token, the rest starred.
    static func mask(_ token: String) -> String {
        let characters = Array(token)
        guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
        let hidden = String(repeating: "*", count: characters.count - 7)
        return String(characters.prefix(3)) + hidden + String(characters.suffix(4))
    }
}
