import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (a port of its own) that answers every request `200 OK` and remembers
/// the method, path and body of each, in order: a stand-in for a Healthchecks server.
final class HeartbeatListener: @unchecked Sendable {
    /// One request received.
    struct Ping: Sendable, Equatable {
        var method: String
        var path: String
        var body: String
    }

    let port: Int
    private let socket: Int32
    private let lock = NSLock()
    private var received: [Ping] = []
    private var thread: Thread?

    /// Starts listening at once; requests are served one at a time on a thread of its own.
    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        self.thread = thread
        thread.start()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The requests received so far, in order.
    var pings: [Ping] { lock.withLock { received } }

    /// Stops accepting connections.
    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func serve() {
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { return }
            if let ping = read(connection) { lock.withLock { received.append(ping) } }
            let answer = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nOK"
            _ = answer.withCString { send(connection, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(connection)
        }
    }

    /// Reads one request: the head up to the blank line, then `content-length` bytes of body.
    private func read(_ connection: Int32) -> Ping? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        var bodyLength = 0
        while headEnd == nil || bytes.count < headEnd! + bodyLength {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            if headEnd == nil, let range = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
                headEnd = range.upperBound
                let head = String(decoding: bytes[..<range.lowerBound], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let headEnd else { return nil }
        let requestLine = String(decoding: bytes[..<headEnd], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let words = requestLine.split(separator: " ")
        guard words.count >= 2 else { return nil }
        return Ping(
            method: String(words[0]), path: String(words[1]),
            body: String(decoding: bytes[headEnd..<min(bytes.count, headEnd + bodyLength)], as: UTF8.self))
    }
}
