extension Flavor {
    /// Reshapes an answer decided in OpenAI's shape (headers included, `content-length` not yet) into this flavour's.
    ///
    /// OpenAI and Azure keep it. CometAPI, OpenRouter and Together write an error that was in an envelope in their
    /// own envelope, with its status and message; bodies that were not in an envelope (HTML pages, bare errors,
    /// custom bodies) stay as they are. LiteLLM rebuilds and wraps as ``LiteLLMGateway`` tells.
    func dress(_ response: inout SimulatorResponse, route: Route, callID: String) {
        switch self {
        case .openai, .azure:
            return
        case .litellm:
            LiteLLMGateway.dress(&response, route: route, callID: callID)
        case .comet, .openrouter, .together:
            guard !response.isGatewayAnswer, response.transmission == .whole, let envelope = response.envelope,
                  response.body == envelope.body,
                  let body = errorBody(envelope, requestID: response.requestID)
            else { return }
            response.body = body
        }
    }

    /// `envelope` in this flavour's error shape; nil when the flavour keeps it as it is.
    ///
    /// - CometAPI: `{"error":{"message":"… (request id: …)","type":"comet_api_error","param":"","code":""}}` (the
    ///   code when there is one), and for 401 and 403 the bare `{"code":null,"message":"…"}`; an envelope already in
    ///   one of CometAPI's shapes stays.
    /// - OpenRouter: `{"error":{"code":404,"message":"…"}}`, the code being the HTTP status as a number.
    /// - Together: `{"error":{"message":"…","type":"…","code":…}}`, the type from the status
    ///   (`invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`) and the code OpenAI's
    ///   code (a string) or null.
    func errorBody(_ envelope: ErrorEnvelope, requestID: String) -> [UInt8]? {
        var json = JSONText(capacity: 160 + envelope.message.utf8.count)
        switch self {
        case .openai, .azure, .litellm:
            return nil
        case .comet:
            guard envelope.shape == .openAI else { return nil }
            if envelope.status == 401 || envelope.status == 403 {
                json.beginObject()
                json.field("code", nil as String?)
                json.field("message", envelope.message)
                json.endObject()
                return json.bytes
            }
            json.beginObject()
            json.key("error")
            json.beginObject()
            json.field("message", "\(envelope.message) (request id: \(requestID))")
            json.field("type", "comet_api_error")
            json.field("param", "")
            json.field("code", envelope.code ?? "")
            json.endObject()
            json.endObject()
        case .openrouter:
            json.beginObject()
            json.key("error")
            json.beginObject()
            json.field("code", Int64(envelope.status))
            json.field("message", envelope.message)
            json.endObject()
            json.endObject()
        case .together:
            json.beginObject()
            json.key("error")
            json.beginObject()
            json.field("message", envelope.message)
            json.field("type", Flavor.togetherType(status: envelope.status))
            json.field("code", envelope.code)
            json.endObject()
            json.endObject()
        }
        return json.bytes
    }

    /// The `type` of a Together error of `status`.
    static func togetherType(status: Int) -> String {
        switch status {
        case 401, 403: "authentication_error"
        case 429: "rate_limit_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
    }
}

/// How the video objects of one server are written in its flavour: the status wording and, once a video is
/// completed, the link to its file.
///
/// LiteLLM's changes are not here: the proxy rebuilds the upstream's (OpenAI-shaped) answer afterwards.
struct VideoPresentation: Sendable {
    var flavor: Flavor
    var seed: UInt64
    /// The API root clients use, `http://127.0.0.1:PORT`.
    var apiRoot: String
    /// The port the server listens on.
    var port: Int

    /// Whether the objects differ from OpenAI's shape.
    var changesBody: Bool {
        flavor == .openrouter || flavor.servesFiles
    }

    /// The links to the file of video `id`.
    func links(forVideo id: String) -> FileLinks {
        FileLinks(seed: seed, videoID: id, apiRoot: apiRoot, port: port, flavor: flavor)
    }
}
