import Foundation
import VideoModel

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
