import Foundation

/// What a LiteLLM proxy in router mode does to the upstream's answers: rebuilds video bodies, wraps every error in its
/// own envelope, turns broken answers into 500s, and sends upstream headers back prefixed `llm_provider-`.
enum LiteLLMGateway {
    /// The keys of the proxy's video object, in the order it writes them (`usage` is its own; `prompt` is dropped).
    static let videoKeys = [
        "id", "object", "status", "created_at", "completed_at", "expires_at", "error", "progress",
        "remixed_from_video_id", "seconds", "size", "model", "usage",
    ]

    /// Response headers the proxy sends under their own name; every other upstream header gets `llm_provider-`.
    static let ownHeaders: Set<String> = ["content-type", "content-length", "location", "allow"]

    /// The answer when the proxy cannot route a request to a deployment: a listing, or an id that is not its own.
    static func providerNotProvided(videoID: String?) -> SimulatorResponse {
        gatewayError(
            status: 400,
            message: "litellm.BadRequestError: LLM Provider NOT provided. Pass in the LLM provider you are trying to "
                + "call. You passed model=None\n Pass model as E.g. For 'Huggingface' inference endpoints pass in "
                + "`completion(model='huggingface/starcoder',..)` Learn more: https://docs.litellm.ai/docs/providers",
            videoID: videoID
        )
    }

    /// The proxy's answer to a method its route does not serve (there is no `DELETE /videos/{id}`), as its web
    /// framework words it.
    static func methodNotAllowed(videoID: String?) -> SimulatorResponse {
        var response = SimulatorResponse.json(405, Array(#"{"detail":"Method Not Allowed"}"#.utf8), videoID: videoID)
        response.headers.append(("allow", "GET"))
        response.isGatewayAnswer = true
        return response
    }

    /// An error of the proxy itself, in its envelope.
    static func gatewayError(status: Int, message: String, videoID: String? = nil) -> SimulatorResponse {
        var response = SimulatorResponse.json(status, envelope(status: status, message: message), videoID: videoID)
        response.isGatewayAnswer = true
        return response
    }

    /// `{"error":{"message":…,"type":null,"param":null,"code":"STATUS"}}`.
    static func envelope(status: Int, message: String) -> [UInt8] {
        var json = JSONText(capacity: 96 + message.utf8.count)
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.field("message", message)
        json.field("type", nil as String?)
        json.field("param", nil as String?)
        json.field("code", String(status))
        json.endObject()
        json.endObject()
        return json.bytes
    }

    /// The exception class the proxy names for an upstream status.
    static func errorClass(status: Int) -> String {
        switch status {
        case 400: "BadRequestError"
        case 401: "AuthenticationError"
        case 403: "PermissionDeniedError"
        case 404: "NotFoundError"
        case 408: "Timeout"
        case 422: "UnprocessableEntityError"
        case 429: "RateLimitError"
        case 502: "APIConnectionError"
        case 503: "ServiceUnavailableError"
        case 500...599: "InternalServerError"
        default: "BadRequestError"
        }
    }

    /// The proxy's error for an upstream answer of `status` whose body was `upstream`, with the same status.
    static func wrapped(status: Int, upstream: String) -> [UInt8] {
        let name = errorClass(status: status)
        return envelope(status: status, message: "litellm.\(name): \(name): OpenAIException - \(upstream)")
    }

    /// Reshapes an upstream answer decided in OpenAI's shape as the proxy sends it on; `callID` is the proxy's own
    /// id for the call.
    static func dress(_ response: inout SimulatorResponse, route: Route, callID: String) {
        if !response.isGatewayAnswer { dressBody(&response, route: route) }
        var headers: [(name: String, value: String)] = []
        for (name, value) in response.headers {
            headers.append((ownHeaders.contains(name.lowercased()) ? name : "llm_provider-" + name, value))
        }
        headers.append(("x-litellm-call-id", callID))
        headers.append(("x-litellm-attempted-retries", "0"))
        response.headers = headers
    }

    private static func dressBody(_ response: inout SimulatorResponse, route: Route) {
        if response.transmission != .whole {
            // A cut body or a dropped connection reaches the client as the proxy's 500.
            response.transmission = .whole
            fail(&response, status: 500, upstream: "Connection error.")
            return
        }
        if response.status >= 400 {
            fail(&response, status: response.status, upstream: String(decoding: response.body, as: UTF8.self))
            return
        }
        guard (200..<300).contains(response.status) else { return }
        switch route {
        case .createVideo, .retrieveVideo, .remixVideo:
            switch rebuild(response.body, id: response.videoID) {
            case .success(let body):
                response.body = body
                response.headers.removeAll { $0.name.lowercased() == "content-type" }
                response.headers.insert(("content-type", "application/json"), at: 0)
            case .failure(let problem):
                fail(&response, status: 500, upstream: problem.text)
            }
        case .downloadContent:
            response.headers.removeAll { $0.name.lowercased() == "content-type" }
            response.headers.insert(("content-type", "video/mp4"), at: 0)
        default:
            break
        }
    }

    /// Replaces the answer by the proxy's error of `status` around `upstream`; the upstream's headers stay (prefixed).
    private static func fail(_ response: inout SimulatorResponse, status: Int, upstream: String) {
        response.status = status
        response.body = wrapped(status: status, upstream: upstream)
        response.headers.removeAll { $0.name.lowercased() == "content-type" || $0.name.lowercased() == "location" }
        response.headers.insert(("content-type", "application/json"), at: 0)
    }

    /// Why an upstream body could not become the proxy's video object.
    struct Problem: Error {
        var text: String
    }

    /// The proxy's video object from the upstream's JSON body: every key of ``videoKeys`` (missing ones as null),
    /// `prompt` and unknown fields dropped, `usage` null, `id` replaced by `id` when given. A body that is not a video
    /// object, or whose `seconds` is not a string, fails as the proxy's validation fails.
    static func rebuild(_ body: [UInt8], id: String?) -> Result<[UInt8], Problem> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            let text = String(decoding: body, as: UTF8.self)
            return .failure(Problem(text: "Invalid JSON in the response body: \(text)"))
        }
        for (key, expected) in [("id", "string"), ("status", "string"), ("seconds", "string")] {
            guard let value = object[key], !(value is NSNull) else {
                if key == "seconds" { continue }
                return .failure(Problem(text: "1 validation error for VideoObject\n\(key)\n  Field required"))
            }
            if !(value is String) {
                return .failure(Problem(text: "1 validation error for VideoObject\n\(key)\n  Input should be a valid "
                    + "\(expected) [type=string_type, input_value=\(value), input_type=\(typeName(value))]"))
            }
        }
        var json = JSONText(capacity: body.count + 64)
        json.beginObject()
        for key in videoKeys {
            json.key(key)
            if key == "id", let id {
                json.string(id)
            } else {
                write(object[key], to: &json)
            }
        }
        json.endObject()
        return .success(json.bytes)
    }

    private static func write(_ value: Any?, to json: inout JSONText) {
        switch value {
        case let text as String:
            json.string(text)
        case let number as NSNumber:
            if let whole = Int64(exactly: number.doubleValue) { json.int(whole) } else { json.number(number.doubleValue) }
        case let object as [String: Any]:
            json.beginObject()
            for key in object.keys.sorted(by: { orderOfErrorKey($0, $1) }) {
                json.key(key)
                write(object[key], to: &json)
            }
            json.endObject()
        default:
            json.null()
        }
    }

    /// `code` before `message` before anything else (alphabetical), as an error object is written.
    private static func orderOfErrorKey(_ a: String, _ b: String) -> Bool {
        let rank = ["code": 0, "message": 1]
        return (rank[a] ?? 2, a) < (rank[b] ?? 2, b)
    }

    private static func typeName(_ value: Any) -> String {
        switch value {
        case is String: "str"
        case let number as NSNumber: Int64(exactly: number.doubleValue) != nil ? "int" : "float"
        case is [Any]: "list"
        case is [String: Any]: "dict"
        default: "object"
        }
    }
}
