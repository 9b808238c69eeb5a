import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import VideoAPI

/// The live transport's error mapping and client settings, checked without opening a socket.
@Suite("Live transport settings and errors")
struct LiveTransportTests {
    let request = HTTPRequest(
        method: "GET", url: "http://127.0.0.1:8080/v1/videos/v",
        headers: [("Authorization", "Bearer sk-live-0123456789"), ("Accept", "application/json")])

    @Test("AsyncHTTPClient timeouts and closed connections map to readable transport errors")
    func clientErrors() {
        #expect(Transport.classify(HTTPClientError.deadlineExceeded, for: request) == .timedOut)
        #expect(Transport.classify(HTTPClientError.readTimeout, for: request) == .timedOut)
        #expect(Transport.classify(HTTPClientError.remoteConnectionClosed, for: request) == .connectionClosed)
        #expect(Transport.classify(HTTPClientError.connectTimeout, for: request) == .other("could not connect to 127.0.0.1:8080 in time"))
    }

    @Test("a refused connection names the host and port, also when wrapped")
    func refused() {
        struct Wrapper: Error { var inner: [any Error] }
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
        #expect(Transport.classify(refused, for: request) == .connectionRefused(host: "127.0.0.1", port: 8080))
        #expect(Transport.classify(Wrapper(inner: [refused]), for: request) == .connectionRefused(host: "127.0.0.1", port: 8080))
        let https = HTTPRequest(method: "GET", url: "https://api.cometapi.com/v1/videos/v")
        #expect(Transport.classify(refused, for: https) == .connectionRefused(host: "api.cometapi.com", port: 443))
        #expect(Transport.classify(IOError(errnoCode: ECONNRESET, reason: "read"), for: request) == .connectionClosed)
    }

    @Test("an oversized body is reported in MiB")
    func tooLarge() {
        #expect(Transport.classify(NIOTooManyBytesError(maxBytes: 1), for: request) == .other("response body larger than 32 MiB"))
    }

    @Test("other errors are described without the Authorization header")
    func otherErrors() {
        struct Leaky: Error, CustomStringConvertible { var description: String { "failed sending Bearer sk-live-0123456789" } }
        let error = Transport.classify(Leaky(), for: request)
        #expect(error == .other("failed sending [redacted]"))
    }

    @Test("the client does not follow redirects, speaks HTTP/1.1 and sets the connect timeout and pool size")
    func configuration() {
        let configuration = Transport.clientConfiguration(maxConnections: 4, connectTimeout: .seconds(5))
        #expect(configuration.timeout.connect == .seconds(5))
        #expect(configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 4)
        #expect(configuration.httpVersion == .http1Only)
        #expect(String(describing: configuration.redirectConfiguration).contains("disallow"))
    }

    @Test("a LiveHTTP creates its client only on the first request, and shuts down either way")
    func liveHTTPLifecycle() async {
        let idle = LiveHTTP(maxConnections: 2, connectTimeout: .seconds(1))
        #expect(!idle.isStarted)
        await idle.shutdown()

        let used = LiveHTTP(maxConnections: 2, connectTimeout: .seconds(1))
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:1/v1/videos/video_1", headers: [], body: nil, timeout: .seconds(1))
        _ = try? await used.transport.send(request)  // port 1 refuses: a transport error, but the client now exists
        #expect(used.isStarted)
        await used.shutdown()
    }
}
