import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The running server: a wire-compatible fake of the Videos API on a local port, with a virtual clock.
///
/// Built directly on NIO rather than a web framework so that every byte on the wire stays under its control
/// (responses are logged only after their write succeeds; later fault injection needs to cut connections
/// and bodies at will).
public final class VideoSimulator: Sendable {
    /// The settings the simulator runs with.
    public let configuration: SimulatorConfiguration
    /// The port the server listens on.
    public let port: Int
    private let host: String
    private let api: SimulatedAPI
    private let listener: any Channel
    private let connections: OpenConnections

    private init(
        configuration: SimulatorConfiguration, host: String, port: Int,
        api: SimulatedAPI, listener: any Channel, connections: OpenConnections
    ) {
        self.configuration = configuration
        self.host = host
        self.port = port
        self.api = api
        self.listener = listener
        self.connections = connections
    }

    deinit {
        listener.close(promise: nil)
    }

    /// Starts a server on `host:port` (port 0 picks a free one) and returns once it is listening.
    ///
    /// Throws ``SimulatorError`` when it cannot listen and ``ScenarioError`` for a scenario with unusable ids.
    public static func start(
        _ configuration: SimulatorConfiguration = .init(),
        host: String = "127.0.0.1",
        port: Int = 0
    ) async throws -> VideoSimulator {
        try configuration.scenario?.validate()
        let api = SimulatedAPI(configuration: configuration, host: host)
        let connections = OpenConnections()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPConnection(api: api, connections: connections))
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: host, port: port).get()
        } catch let error as IOError {
            throw SimulatorError.cannotListen(host: host, port: port, reason: String(cString: strerror(error.errnoCode)))
        } catch {
            throw SimulatorError.cannotListen(host: host, port: port, reason: "\(error)")
        }
        guard let boundPort = listener.localAddress?.port else {
            try? await listener.close()
            throw SimulatorError.cannotListen(host: host, port: port, reason: "no local address after binding")
        }
        return VideoSimulator(
            configuration: configuration, host: host, port: boundPort,
            api: api, listener: listener, connections: connections
        )
    }

    /// The API base URL in the configured flavour: `http://127.0.0.1:PORT/v1`, `…/api/v1` (OpenRouter) or
    /// `…/openai/v1` (Azure).
    public var baseURL: URL {
        configuration.flavor.baseURL(host: host, port: port)
    }

    /// The server root, `http://127.0.0.1:PORT`, where the `/_simulator/...` control endpoints live.
    public var rootURL: URL {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "http://\(hostPart):\(port)") else {
            preconditionFailure("a host and port always form a URL")
        }
        return url
    }

    /// The virtual time.
    public var now: Date {
        api.now()
    }

    /// Steps the virtual clock forward by `seconds` (negative or non-finite steps are ignored).
    public func advance(by seconds: Double) {
        api.advance(by: seconds)
    }

    /// Creates a job directly (as POST /v1/videos would), for tests and the demo; `outcome` forces the ending
    /// (nil = seeded choice); `durationSeconds` forces queued+running time (nil = seeded realistic choice).
    ///
    /// `id` fixes the id (nil draws one from the seed; a fixed id already in use is a programming error).
    /// `faults` shape its successive `GET /v1/videos/{id}` answers, one each, then `thereafter` every later one
    /// (nil: normal answers). `quirks` reshape its answers on top of the simulator-wide ones.
    @discardableResult
    public func createVideo(
        prompt: String,
        model: String = "sora-2",
        seconds: String = "4",
        size: String = "720x1280",
        outcome: SimulatedOutcome? = nil,
        durationSeconds: Double? = nil,
        id: String? = nil,
        faults: [Fault] = [],
        thereafter: Fault? = nil,
        quirks: Set<Quirk> = []
    ) -> SimulatedVideo {
        let video = ScriptedVideo(
            id: id, prompt: prompt, model: model, seconds: seconds, size: size, outcome: outcome,
            durationSeconds: durationSeconds, faults: faults, thereafter: thereafter, quirks: quirks
        )
        guard let created = api.createVideo(video) else {
            preconditionFailure("a video with id \(id ?? "") already exists in the simulator")
        }
        return created
    }

    /// Replaces the fault script of video `id`: `faults` for its next retrieves, one each, then `thereafter` for every
    /// later one (nil: normal answers). Returns false when there is no such video.
    @discardableResult
    public func script(_ id: String, faults: [Fault], thereafter: Fault? = nil) -> Bool {
        api.script(id, faults: faults, thereafter: thereafter)
    }

    /// Replaces the content fault script of video `id`: `faults` for its next `GET /v1/videos/{id}/content` requests,
    /// one each, then `thereafter` for every later one (nil: normal answers). Returns false when there is no such video.
    @discardableResult
    public func scriptContent(_ id: String, faults: [Fault], thereafter: Fault? = nil) -> Bool {
        api.scriptContent(id, faults: faults, thereafter: thereafter)
    }

    /// The job with this id at the current virtual time; nil when unknown or deleted.
    public func video(_ id: String) -> SimulatedVideo? {
        api.video(id)
    }

    /// Every job that has not been deleted, at the current virtual time, oldest first.
    public func videos() -> [SimulatedVideo] {
        api.videos()
    }

    /// Every API response fully sent, in order (control endpoint responses are not included).
    ///
    /// A response cut short, dropped, or not written because the client had gone is not here: see ``requests()``.
    public func responses() -> [LoggedResponse] {
        api.responses()
    }

    /// Every API request in arrival order: its arrival time on the real clock, the fault applied and what was sent
    /// back (complete, truncated, closed without response, client gone, or still pending).
    public func requests() -> [LoggedRequest] {
        api.log.requests()
    }

    /// API requests that arrived but whose answer has not gone out yet (waiting for a delay, being written, or held
    /// without an answer by ``SimulatorConfiguration/hang``).
    public var pendingRequests: Int {
        api.log.pending
    }

    /// API requests refused with 429 by ``SimulatorConfiguration/rateLimitRPM`` so far.
    public var rateLimitedRequests: Int {
        api.limiter?.refusedCount ?? 0
    }

    /// Stops listening and closes every open connection; returns promptly.
    public func stop() async {
        try? await listener.close()
        await connections.closeAll()
    }
}

/// Why the simulator could not start.
public enum SimulatorError: Error, CustomStringConvertible, Sendable {
    /// Binding the listening socket failed (port in use, address not available, no permission).
    case cannotListen(host: String, port: Int, reason: String)

    /// A one-line message a user can act on.
    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason); choose another --port (0 picks a free one)"
        }
    }
}
