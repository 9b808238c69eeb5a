import Dispatch
import Foundation

/// SIGINT and SIGTERM delivered to a handler instead of killing the process.
final class TerminationSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// Calls `handler` (on a background queue) at each SIGINT or SIGTERM until `cancel()`.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops listening (the signals stay ignored until the process exits).
    func cancel() { sources.forEach { $0.cancel() } }

    /// Returns at the first SIGINT or SIGTERM.
    static func wait() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let listener = TerminationSignals { continuation.yield($0) }
        for await _ in signals { break }
        listener.cancel()
    }
}
