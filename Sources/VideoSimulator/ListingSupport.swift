/// How the simulator answers `GET /v1/videos`: as the API does, or as a provider without the endpoint (CometAPI
/// documents no list route for Sora) would.
public enum ListingSupport: String, Sendable, Hashable, CaseIterable {
    /// Pages with cursor pagination, as the API serves them.
    case supported
    /// 404 `Invalid URL (GET /v1/videos)` in OpenAI's envelope.
    case notFound = "not_found"
    /// 405 with `allow: POST` in OpenAI's envelope.
    case methodNotAllowed = "method_not_allowed"
    /// 200 with a web page (`text/html`) instead of JSON, as some gateways answer a path they do not route.
    case html

    /// The answer to a list request when listing is not supported; nil when it is.
    func refusal(path: String) -> SimulatorResponse? {
        switch self {
        case .supported:
            return nil
        case .notFound:
            return .error(.invalidURL(method: "GET", path: path))
        case .methodNotAllowed:
            var response = SimulatorResponse.error(ErrorEnvelope(
                status: 405, message: "Method not allowed: GET \(path) is not supported; use POST.",
                code: "method_not_allowed"))
            response.headers.append(("allow", "POST"))
            return response
        case .html:
            let page = "<!doctype html>\r\n<html><head><title>Video console</title></head>\r\n"
                + "<body><div id=\"app\">Sign in to see your videos.</div></body></html>\r\n"
            return SimulatorResponse(status: 200, headers: [("content-type", "text/html; charset=utf-8")], body: Array(page.utf8))
        }
    }
}
