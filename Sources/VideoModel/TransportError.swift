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
