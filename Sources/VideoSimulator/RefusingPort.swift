import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A local TCP port that refuses every connection: bound, so nothing else takes it while it is held, but never
/// listening, so a connection attempt is answered with a reset (`ECONNREFUSED`).
public final class RefusingPort: Sendable {
    /// The port held.
    public let port: Int
    private let host: String
    private let descriptor: Int32

    private init(host: String, port: Int, descriptor: Int32) {
        self.host = host
        self.port = port
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Binds `host:port` (port 0 picks a free one) without listening; throws ``SimulatorError`` when it cannot.
    /// `host` is an IPv4 address such as `127.0.0.1`.
    public static func reserve(host: String = "127.0.0.1", port: Int = 0) throws -> RefusingPort {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SimulatorError.cannotListen(host: host, port: port, reason: "not an IPv4 address")
        }
        #if canImport(Darwin)
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else {
            throw SimulatorError.cannotListen(host: host, port: port, reason: String(cString: strerror(errno)))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = bound == 0 ? withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        } : -1
        guard named == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw SimulatorError.cannotListen(host: host, port: port, reason: reason)
        }
        return RefusingPort(host: host, port: Int(UInt16(bigEndian: local.sin_port)), descriptor: descriptor)
    }

    /// The base URL a client would use on this port in `flavor`, such as `http://127.0.0.1:PORT/v1`.
    public func baseURL(flavor: Flavor = .openai) -> URL {
        flavor.baseURL(host: host, port: port)
    }
}
