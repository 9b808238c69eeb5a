import VideoModel
import AsyncHTTPClient
import Synchronization

/// A real HTTP client owned by one command run: its transport, and a shutdown to call at the end.
///
/// The underlying client (event loops, connection pool) is created on the first request, so a run
/// that has nothing to send, such as a cron `sync` with no open job, never pays for it.
public final class LiveHTTP: Sendable {
    /// The transport to hand to `VideoAPIClient`.
    public var transport: Transport {
        Transport(
            send: { [self] request in try await Transport.live(client: client).send(request) },
            stream: { [self] request in try await Transport.streamer(on: client)(request) })
    }

    private let maxConnections: Int
    private let connectTimeout: Duration
    private let state = Mutex<HTTPClient?>(nil)

    /// A keep-alive client with `maxConnections` per host that does not follow redirects.
    public init(maxConnections: Int, connectTimeout: Duration = .seconds(5)) {
        self.maxConnections = maxConnections
        self.connectTimeout = connectTimeout
    }

    /// The AsyncHTTPClient behind the transport, created on first use.
    public var client: HTTPClient {
        state.withLock { client in
            if let client { return client }
            let created = Transport.makeHTTPClient(maxConnections: maxConnections, connectTimeout: connectTimeout)
            client = created
            return created
        }
    }

    /// Whether any request has been sent (the client exists).
    public var isStarted: Bool { state.withLock { $0 != nil } }

    /// Closes the connections; call once when the run ends.
    public func shutdown() async {
        guard let client = state.withLock({ $0 }) else { return }
        try? await client.shutdown()
    }
}
