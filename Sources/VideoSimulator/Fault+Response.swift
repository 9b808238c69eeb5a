import NIOHTTP1

extension Fault {
    /// The response this fault gives; `normal` computes the unfaulted response for the faults that alter it.
    func response(in context: FaultContext, normal: () -> SimulatorResponse) -> SimulatorResponse {
        let id = context.videoID
        var response: SimulatorResponse
        switch self {
        case .normal:
            response = normal()
        case .rateLimited(let retryAfter, let retryAfterMs):
            let wait = retryAfter.map { "\($0)s" } ?? retryAfterMs.map { "\($0)ms" } ?? "a moment"
            response = error(ErrorEnvelope(
                status: 429, message: "Rate limit reached for requests. Please try again in \(wait).",
                type: "requests", code: "rate_limit_exceeded"
            ), context)
            if let retryAfter { response.headers.append(("retry-after", String(retryAfter))) }
            if let retryAfterMs { response.headers.append(("retry-after-ms", String(retryAfterMs))) }
        case .serverError(let status, let envelope):
            var failure: ErrorEnvelope
            switch envelope {
            case .openAI:
                let message = status == 503
                    ? "The server is overloaded or not ready yet."
                    : "The server had an error while processing your request. Sorry about that!"
                failure = ErrorEnvelope(status: status, message: message, type: "server_error")
            case .cometAPI:
                failure = ErrorEnvelope(
                    status: status, message: "upstream error: do request failed (request id: \(context.requestID))",
                    type: "comet_api_error", param: "", code: "", shape: .cometAPI
                )
            case .cometAPILegacy:
                failure = ErrorEnvelope(
                    status: status, message: "upstream error: do request failed (request id: \(context.requestID))",
                    type: "comet_api_error", code: "", shape: .cometAPILegacy
                )
            }
            response = error(failure, context)
        case .modelNotFound:
            let model = context.model ?? "sora-2"
            response = error(ErrorEnvelope(
                status: 503,
                message: "no available channel for group default and model \(model) (distributor) "
                    + "(request id: \(context.requestID))",
                type: "comet_api_error", code: "model_not_found", shape: .cometAPILegacy
            ), context)
        case .invalidRequest:
            response = error(ErrorEnvelope(
                status: 500, message: "field prompt is required (request id: \(context.requestID))",
                type: "comet_api_error", param: "", code: "invalid_request", shape: .cometAPI
            ), context)
        case .htmlError(let status):
            response = Fault.htmlPage(status: status, videoID: id)
        case .truncatedBody:
            response = normal()
            response.transmission = .truncated(keeping: response.body.count / 2)
        case .cutJSON:
            response = normal()
            response.body.removeLast(response.body.count - response.body.count / 2)
        case .connectionClosed:
            response = normal()
            response.transmission = .closeWithoutResponse
        case .slow(let delay):
            response = normal()
            response.delay += delay
        case .redirect(let status, let location):
            response = Fault.htmlPage(status: status, videoID: id)
            response.headers.append(("location", location ?? context.path.map { $0 + "/" } ?? "/v1/videos/\(id)/"))
        case .notFound:
            response = error(.videoNotFound(id), context)
        case .unauthorized:
            response = error(.incorrectKey(context.token ?? ""), context)
        case .bareError(let status, let code, let message):
            response = .json(status, ErrorEnvelope(status: status, message: message, code: code).bareBody, videoID: id)
        case .custom(let status, let body, let contentType, let headers):
            response = SimulatorResponse(status: status, body: Array(body.utf8), videoID: id)
            if let contentType { response.headers.append(("content-type", contentType)) }
            for (name, value) in headers.sorted(by: { $0.key < $1.key })
            where !["content-length", "x-request-id"].contains(name.lowercased()) {
                response.headers.append((name, value))
            }
        }
        response.fault = self
        return response
    }

    private func error(_ envelope: ErrorEnvelope, _ context: FaultContext) -> SimulatorResponse {
        .error(envelope, videoID: context.videoID, bare: context.bareErrors)
    }

    /// The page an nginx proxy sends for `status`.
    static func htmlPage(status: Int, videoID: String) -> SimulatorResponse {
        let title = "\(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)"
        let page = "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n"
            + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        return SimulatorResponse(
            status: status, headers: [("content-type", "text/html")], body: Array(page.utf8), videoID: videoID
        )
    }
}

/// What the request a fault answers was about, for the wording of the faulted response.
struct FaultContext {
    var videoID: String
    var requestID: String
    /// The video's model, when the video exists.
    var model: String?
    /// The Bearer token sent, for a 401 that masks it as the real API does.
    var token: String?
    /// Error bodies without their envelope.
    var bareErrors: Bool
    /// The request path as sent (for a redirect to the same path with a trailing slash).
    var path: String? = nil
}
