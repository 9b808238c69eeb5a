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
