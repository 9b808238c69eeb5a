/// The outside world for HTTP: one closure.
public struct Transport: Sendable {
    /// Sends one request and returns the whole response; throws `TransportError` when no response arrives.
    public var send: @Sendable (HTTPRequest) async throws -> HTTPResponse

    /// Creates a transport from a closure (tests script responses this way).
    public init(send: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.send = send
    }
}
