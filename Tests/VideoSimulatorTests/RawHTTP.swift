import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a raw socket received for one request: every byte until the server closed the connection or went quiet.
struct RawExchange {
    /// All bytes received.
    var bytes: [UInt8]
    /// Whether the server closed the connection (rather than the read timing out).
    var closedByServer: Bool

    /// The head (status line and headers) as text, when a full head arrived.
    var head: String? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        return String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
    }

    /// The status code of the status line.
    var status: Int? {
        head?.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    /// A header value by name (case-insensitive).
    func header(_ name: String) -> String? {
        guard let head else { return nil }
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The bytes after the head.
    var body: [UInt8] {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return [] }
        return Array(bytes[end.upperBound...])
    }
}

/// A blocking HTTP/1.1 client over a plain socket, so tests see exactly what went on the wire (cut bodies, closed
/// connections, redirects that must not be followed).
enum RawHTTP {
    /// Sends `GET target` with `Connection: close` and reads until the server closes or `wait` passes in silence.
    /// `giveUpAfter` closes the socket early, as a client with a timeout would.
    ///
    /// The blocking socket calls run on a thread of their own, never on the threads of Swift's concurrency pool.
    static func get(
        port: Int, _ target: String, key: String? = "sk-test", headers: [String: String] = [:],
        wait: Duration = .seconds(3), giveUpAfter: Duration? = nil
    ) async throws -> RawExchange {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try exchange(port: port, target, key: key, headers: headers, wait: wait, giveUpAfter: giveUpAfter)
                })
            }
            thread.start()
        }
    }

    /// Tries to connect to `127.0.0.1:port` and closes at once: nil when it connected, else the `errno` of the failure.
    static func connectError(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return connected == 0 ? nil : errno
    }

    private static func exchange(
        port: Int, _ target: String, key: String?, headers: [String: String], wait: Duration, giveUpAfter: Duration?
    ) throws -> RawExchange {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let limit = giveUpAfter ?? wait
        let (seconds, attoseconds) = limit.components
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let key { request += "Authorization: Bearer \(key)\r\n" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
            } else {
                return RawExchange(bytes: received, closedByServer: count == 0)
            }
        }
    }
}
