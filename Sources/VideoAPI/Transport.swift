import VideoModel
/// The outside world for HTTP: closures, so tests script responses instead of mocking a client.
public struct Transport: Sendable {
    /// Sends one request and returns the whole response; throws `TransportError` when no response arrives.
    public var send: @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// Sends one request and returns as soon as the head arrives, the body to be read chunk by chunk (downloads);
    /// throws `TransportError` when no response arrives.
    public var stream: @Sendable (HTTPRequest) async throws -> StreamedResponse

    /// Creates a transport from a closure (tests script responses this way); `stream` hands out `send`'s whole body as one chunk.
    public init(send: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.send = send
        self.stream = { request in StreamedResponse(whole: try await send(request)) }
    }

    /// Creates a transport that can stream response bodies.
    public init(
        send: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse,
        stream: @escaping @Sendable (HTTPRequest) async throws -> StreamedResponse
    ) {
        self.send = send
        self.stream = stream
    }
}
