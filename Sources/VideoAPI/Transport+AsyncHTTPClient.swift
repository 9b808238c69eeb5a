import AsyncHTTPClient
import Foundation
import VideoModel
import NIOCore
import NIOFoundationCompat

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Transport {
    /// The largest response body collected (32 MiB); a larger one fails the request.
    public static let maxBodyBytes = 32 * 1024 * 1024

    /// A transport over AsyncHTTPClient: redirects come back as responses, the whole exchange must finish within `request.timeout`.
    public static func live(client: HTTPClient) -> Transport {
        Transport { request in
            try await perform(request, on: client)
        }
    }

    /// An HTTP/1.1 keep-alive client that does not follow redirects, with an explicit connect timeout and `maxConnections` per host,
    /// whose failed connections fail at once; the caller shuts it down.
    public static func makeHTTPClient(maxConnections: Int = 16, connectTimeout: Duration = .seconds(5)) -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: clientConfiguration(maxConnections: maxConnections, connectTimeout: connectTimeout))
    }

    /// The configuration behind ``makeHTTPClient(maxConnections:connectTimeout:)``.
    static func clientConfiguration(maxConnections: Int, connectTimeout: Duration) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, maxConnections))
        // A connection that cannot be made fails the requests waiting for it at once (refused: at once; no answer to
        // the connect: after `connectTimeout`), instead of the pool retrying quietly until each request's deadline.
        // Retries are the client's, each one recorded.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        return configuration
    }

    /// The AsyncHTTPClient request for `request`: method, URL, header fields in order, body.
    static func outgoing(_ request: HTTPRequest) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .init(rawValue: request.method)
        for (name, value) in request.headers {
            outgoing.headers.add(name: name, value: value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(data: body))
        }
        return outgoing
    }

    private static func perform(_ request: HTTPRequest, on client: HTTPClient) async throws -> HTTPResponse {
        let outgoing = outgoing(request)
        let timeout = request.timeout
        let prepared = outgoing
        do {
            // The deadline of `execute` ends when the head arrives; the race also bounds reading the body.
            return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: TimeAmount(timeout))
                    let bytes = try await response.body.collect(upTo: maxBodyBytes)
                    return HTTPResponse(
                        status: Int(response.status.code),
                        headers: response.headers.map { ($0.name, $0.value) },
                        body: Data(buffer: bytes))
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TransportError.timedOut
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw TransportError.timedOut }
                return first
            }
        } catch let error as TransportError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw classify(error, for: request)
        }
    }

    /// Maps AsyncHTTPClient and NIO errors to `TransportError`, never quoting a header value.
    static func classify(_ error: any Error, for request: HTTPRequest) -> TransportError {
        let (host, port) = endpoint(of: request.url)
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .timedOut
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return .other("could not connect to \(host):\(port) in time")
            case .remoteConnectionClosed: return .connectionClosed
            default: break
            }
        }
        if error is NIOTooManyBytesError {
            return .other("response body larger than \(maxBodyBytes / (1024 * 1024)) MiB")
        }
        if let code = errnoCode(in: error, depth: 0) {
            switch code {
            case ECONNREFUSED: return .connectionRefused(host: host, port: port)
            case ECONNRESET, EPIPE: return .connectionClosed
            case ETIMEDOUT: return .other("could not connect to \(host):\(port) in time")
            default: break
            }
        }
        var text = String(describing: error)
        // NIO's HTTP parser reports a body cut short by a close as an unexpected end of stream.
        if "\(type(of: error))" == "HTTPParserError" || text.contains("stream ended at an unexpected time") {
            return .connectionClosed
        }
        if text.localizedCaseInsensitiveContains("connection refused") {
            return .connectionRefused(host: host, port: port)
        }
        if let authorization = request.header("authorization") {
            for secret in [authorization, String(authorization.drop(while: { $0 != " " }).dropFirst())] where secret.count >= 4 {
                text = text.replacingOccurrences(of: secret, with: "[redacted]")
            }
        }
        return .other(BodyText.excerpt(text))
    }

    /// The errno of the first `IOError` found inside `error` (NIO wraps connect failures a few levels deep).
    private static func errnoCode(in value: Any, depth: Int) -> CInt? {
        if let ioError = value as? IOError { return ioError.errnoCode }
        guard depth < 6 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let code = errnoCode(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }

    private static func endpoint(of url: String) -> (String, Int) {
        let components = URLComponents(string: url)
        let host = components?.host ?? "?"
        let port = components?.port ?? (components?.scheme?.lowercased() == "https" ? 443 : 80)
        return (host, port)
    }
}
