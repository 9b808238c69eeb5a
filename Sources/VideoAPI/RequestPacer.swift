import Foundation
import VideoModel

/// What paces a client's requests, shared by every request of a run: asked before each attempt (retries included)
/// when it may go, told after it what the answer was. The client works without one (every attempt goes at once).
public struct RequestPacer: Sendable {
    /// Waits until an attempt may be sent, no sooner than `notBefore`; returns false, without waiting, when that
    /// cannot be before `deadline`, or when the task is cancelled while waiting. Every true must be followed by one
    /// call of `answered`.
    public var admit: @Sendable (_ notBefore: Date?, _ deadline: Date?) async -> Bool
    /// The attempt admitted last ended: its HTTP status and header fields (nil status: no response) at `at`.
    public var answered: @Sendable (_ status: Int?, _ headers: [(String, String)], _ at: Date) -> Void

    /// Creates a pacer from its two operations.
    public init(
        admit: @escaping @Sendable (_ notBefore: Date?, _ deadline: Date?) async -> Bool,
        answered: @escaping @Sendable (_ status: Int?, _ headers: [(String, String)], _ at: Date) -> Void
    ) {
        self.admit = admit
        self.answered = answered
    }
}
