import Foundation
import VideoModel
import Synchronization

/// When the body last moved, and the head once it arrived: what the stall watch reads.
final class FetchProgress: Sendable {
    private struct State {
        var lastActivity = ContinuousClock.now
        var status: Int?
        var headers: [(String, String)] = []
        var received: Int64?
    }
    private let state = Mutex(State())

    /// The head arrived.
    func head(status: Int, headers: [(String, String)]) {
        state.withLock {
            $0.status = status
            $0.headers = headers
            $0.received = 0
            $0.lastActivity = .now
        }
    }

    /// `count` more body bytes arrived.
    func received(_ count: Int) {
        state.withLock {
            $0.received = ($0.received ?? 0) + Int64(count)
            $0.lastActivity = .now
        }
    }

    /// Returns once nothing has moved for longer than `limit` (the head wait included); throws when cancelled.
    func waitForStall(longerThan limit: Duration) async throws {
        let tick = min(limit, .seconds(1))
        while true {
            try await Task.sleep(for: tick)
            let idle = state.withLock { $0.lastActivity.duration(to: .now) }
            if idle > limit { return }
        }
    }

    /// The attempt as it stood when it stalled.
    func stalled(after limit: Duration) -> FetchedContent {
        state.withLock {
            var result = FetchedContent(status: $0.status, headers: $0.headers)
            result.failure = $0.status == nil ? .transport(.timedOut, received: nil) : .stalled(received: $0.received)
            return result
        }
    }
}
