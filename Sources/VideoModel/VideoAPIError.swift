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

/// Transport failures with readable messages that never include headers (so never the Authorization header).
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete response arrived within the request's timeout.
    case timedOut
    /// Nothing listens at `host:port`.
    case connectionRefused(host: String, port: Int)
    /// The server closed the connection before the response was complete.
    case connectionClosed
    /// Any other failure (DNS, TLS, oversized body…), in words.
    case other(String)

    /// One readable line, e.g. "connection refused by 127.0.0.1:8080".
    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case .connectionRefused(let host, let port): "connection refused by \(host):\(port)"
        case .connectionClosed: "the server closed the connection before the response was complete"
        case .other(let text): text
        }
    }
}
