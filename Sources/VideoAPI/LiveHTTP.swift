import AsyncHTTPClient

/// A real HTTP client owned by one command run: its transport, and a shutdown to call at the end.
public final class LiveHTTP: Sendable {
    /// The transport to hand to `VideoAPIClient`.
    public let transport: Transport
    private let client: HTTPClient

    /// A keep-alive client with `maxConnections` per host that does not follow redirects.
    public init(maxConnections: Int, connectTimeout: Duration = .seconds(5)) {
        client = Transport.makeHTTPClient(maxConnections: maxConnections, connectTimeout: connectTimeout)
        transport = .live(client: client)
    }

    /// Closes the connections; call once when the run ends.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
