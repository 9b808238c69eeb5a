import Foundation
import VideoAPI

/// Healthchecks.io-style heartbeats around a sync: `URL/start` when it starts, `URL` when it exits 0, and
/// `URL/<exit code>` when it exits otherwise (Healthchecks reads a non-zero code as a failure and shows it).
///
/// A ping never throws: it waits at most `timeout`, is retried once after `retryDelay` when it timed out, the
/// connection closed early or a 429/5xx came back, and a failure is returned for the caller to print as a warning. The ping URL usually holds
/// a secret (a check's UUID or ping key), so anything printed shows it masked: `https://hc-ping.com/…/start`.
/// The API key is never sent with a ping (it uses its own transport, without the API's headers).
public struct Heartbeat: Sendable {
    /// What a ping reports.
    public enum Signal: Sendable, Equatable {
        /// The sync took the lock and starts polling.
        case start
        /// The sync ended with this exit code.
        case exit(ExitStatus)
    }

    /// The ping URL as given (its path is the check's secret).
    public let url: URL
    let transport: Transport
    let timeout: Duration
    let retryDelay: Duration
    let sleep: @Sendable (Duration) async throws -> Void
    /// Closes the transport's connections; call once after the last ping.
    public let shutdown: @Sendable () async -> Void

    /// How long one ping may take, unless told otherwise.
    public static let defaultTimeout: Duration = .seconds(5)
    /// The most bytes of a message sent with a ping.
    public static let maxMessageBytes = 10_000

    /// A heartbeat for `url` over `transport` (tests pass a closure; see ``live(url:)``).
    public init(
        url: String, transport: Transport, timeout: Duration = Heartbeat.defaultTimeout, retryDelay: Duration = .seconds(1),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        shutdown: @escaping @Sendable () async -> Void = {}
    ) throws(HeartbeatError) {
        self.url = try Self.validatedURL(url)
        self.transport = transport
        self.timeout = timeout
        self.retryDelay = retryDelay
        self.sleep = sleep
        self.shutdown = shutdown
    }

    /// A heartbeat over its own AsyncHTTPClient (one connection, no redirects followed); a host that refuses
    /// connections for `connectTimeout` (the client retries connecting meanwhile) fails the ping.
    public static func live(url: String, connectTimeout: Duration = .seconds(2)) throws(HeartbeatError) -> Heartbeat {
        let checked = try validatedURL(url)
        let http = LiveHTTP(maxConnections: 1, connectTimeout: connectTimeout)
        return try Heartbeat(url: checked.absoluteString, transport: http.transport, shutdown: { await http.shutdown() })
    }

    /// Checks a ping URL: http or https, a host, no user name or password, no fragment.
    public static func validatedURL(_ text: String) throws(HeartbeatError) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let example = "give one such as https://hc-ping.com/YOUR-CHECK-UUID"
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            let url = components.url
        else {
            throw .invalidURL("it must be an http:// or https:// URL with a host: \(example)")
        }
        guard components.user == nil, components.password == nil else {
            throw .invalidURL("it must not hold a user name or password: \(example)")
        }
        guard components.fragment == nil else { throw .invalidURL("it must not have a fragment (the part after #)") }
        return url
    }

    /// The URL a signal is sent to: the path with `/start` or `/<code>` added (nothing for exit 0), query kept.
    public func url(for signal: Signal) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = path + Self.suffix(signal)
        return components.string ?? url.absoluteString
    }

    /// The ping URL of a signal as it may be printed: scheme, host and port, the path and query masked as `…`.
    public func maskedURL(for signal: Signal) -> String {
        var text = (url.scheme ?? "https") + "://" + (url.host ?? "?")
        if let port = url.port { text += ":\(port)" }
        let path = url.path
        if !(path.isEmpty || path == "/") || url.query != nil { text += "/…" }
        return text + Self.suffix(signal)
    }

    /// Sends one ping, retried once when no answer or a 429/5xx came back (not when the connection was refused: the
    /// client already kept trying to connect); returns the failure instead of throwing.
    ///
    /// `start` is a GET; an exit is a POST whose body is `message` (such as the sync's summary line), which
    /// Healthchecks shows in the check's log.
    @discardableResult
    public func ping(_ signal: Signal, message: String? = nil) async -> HeartbeatError? {
        var request = HTTPRequest(method: "GET", url: url(for: signal), headers: [("user-agent", VideoAPIClient.userAgent)], timeout: timeout)
        if case .exit = signal {
            request.method = "POST"
            request.headers.append(("content-type", "text/plain; charset=utf-8"))
            request.body = Data((message ?? "").utf8.prefix(Self.maxMessageBytes))
        }
        var reason = ""
        for attempt in 0..<2 {
            if attempt > 0 {
                do { try await sleep(retryDelay) } catch { break }
            }
            do {
                let response = try await transport.send(request)
                if (200..<300).contains(response.status) { return nil }
                reason = "HTTP \(response.status)"
                if let location = response.header("location"), (300..<400).contains(response.status) {
                    reason += " redirect to \(mask(location)) (not followed)"
                }
                guard response.status == 429 || response.status >= 500 else { break }
            } catch is CancellationError {
                reason = "cancelled"
                break
            } catch {
                reason = mask("\(error)")
                if case .connectionRefused = error as? TransportError { break }
            }
        }
        return .pingFailed(url: maskedURL(for: signal), reason: reason)
    }

    /// `text` with the secret part of the ping URL (path and query) replaced by `…`.
    func mask(_ text: String) -> String {
        var masked = text
        let secrets = [url.absoluteString, url.path, url.query].compactMap { $0 }.filter { $0.count > 1 }
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            masked = masked.replacingOccurrences(of: secret, with: "…")
        }
        return masked
    }

    private static func suffix(_ signal: Signal) -> String {
        switch signal {
        case .start: return "/start"
        case .exit(.ok): return ""
        case .exit(let code): return "/\(code.rawValue)"
        }
    }
}

/// Why a heartbeat ping could not be sent; the URL in a message is always masked (its path may hold a secret).
public enum HeartbeatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ping URL is not an http(s) URL with a host.
    case invalidURL(String)
    /// A ping got no answer, or an answer other than 2xx, after its retry.
    case pingFailed(url: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid --ping-url: \(reason)"
        case .pingFailed(let url, let reason):
            return "heartbeat ping to \(url) failed (\(reason)); the sync's exit code is unchanged: check --ping-url and the network"
        }
    }
}
