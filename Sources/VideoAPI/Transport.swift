import Foundation
import VideoModel

/// The outside world for HTTP: closures, so tests script responses instead of mocking a client.
public struct Transport: Sendable {
    /// Sends one request and returns the whole response; throws `TransportError` when no response arrives.
    public var send: @Sendable (HTTPRequest) async throws -> HTTPResponse
    /// Sends one request and returns as soon as the head arrives, the body to be read chunk by chunk (downloads);
    /// throws `TransportError` when no response arrives.
    public var stream: @Sendable (HTTPRequest) async throws -> StreamedResponse

    /// Creates a transport from a closure (tests script responses this way); `stream` hands out `send`'s whole body as one chunk.
    public init(send: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.send = send
        self.stream = { request in StreamedResponse(whole: try await send(request)) }
    }

    /// Creates a transport that can stream response bodies.
    public init(
        send: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse,
        stream: @escaping @Sendable (HTTPRequest) async throws -> StreamedResponse
    ) {
        self.send = send
        self.stream = stream
    }
}

/// Time as a value so tests pin it: `now` and `sleep`.
public struct APIClock: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date
    /// Waits for a duration; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// The system clock and `Task.sleep`.
    public static let live = APIClock(now: { Date() }, sleep: { try await Task.sleep(for: $0) })

    /// Creates a clock from its two operations.
    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }
}

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
