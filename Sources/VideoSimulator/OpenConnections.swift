import NIOCore
import Synchronization

/// The server's accepted connections, so that stopping can close them all at once.
final class OpenConnections: Sendable {
    private let state = Mutex<(channels: [ObjectIdentifier: any Channel], isClosed: Bool)>(([:], false))

    /// Tracks a new connection; once closing has begun it is closed straight away instead.
    func insert(_ channel: any Channel) {
        let accepted = state.withLock { state in
            guard !state.isClosed else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
        if !accepted { channel.close(promise: nil) }
    }

    /// Whether ``closeAll()`` has begun.
    var isClosing: Bool {
        state.withLock { $0.isClosed }
    }

    /// Forgets a connection that has gone.
    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Refuses further connections and closes every open one; returns when all are closed.
    func closeAll() async {
        let channels = state.withLock { state in
            state.isClosed = true
            return Array(state.channels.values)
        }
        for channel in channels {
            try? await channel.close()
        }
    }
}
