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
