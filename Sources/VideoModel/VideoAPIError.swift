/// Errors the client throws for calls that return one value (list, create, the convenience retrieve).
public enum VideoAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a status other than 2xx.
    case http(status: Int, error: APIErrorInfo?, requestID: String?)
    /// No response arrived.
    case transport(TransportError)
    /// A 2xx body that is not what the endpoint returns; the text says why.
    case malformedBody(String)
    /// The configured base URL cannot be used; the text says why.
    case invalidBaseURL(String)

    /// One readable line, e.g. "HTTP 503 model_not_found: no available channel … (request id req_1)".
    public var description: String {
        switch self {
        case .http(let status, let error, let requestID):
            var line = "HTTP \(status)"
            if let error {
                line += error.code == nil ? ": \(error.summary)" : " \(error.summary)"
            }
            if let requestID { line += " (request id \(requestID))" }
            return line
        case .transport(let error):
            return "transport: \(error)"
        case .malformedBody(let reason):
            return "malformed body: \(reason)"
        case .invalidBaseURL(let reason):
            return reason
        }
    }

    /// The reason alone, without the "malformed body:" prefix.
    package var reason: String {
        if case .malformedBody(let reason) = self { return reason }
        return description
    }
}
