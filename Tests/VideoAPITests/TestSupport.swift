import Foundation
import Testing
import VideoAPI

/// A value shared between a test and the closures it injects.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: Value

    init(_ value: Value) {
        storage = value
    }

    var value: Value {
        lock.withLock { storage }
    }

    func withValue<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&storage) }
    }
}

/// A clock whose `sleep` records the requested durations and moves `now` forward by them.
struct TestClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_773_300_000)

    let current = Locked(TestClock.start)
    let sleeps = Locked<[Duration]>([])

    var clock: APIClock {
        let current = current
        let sleeps = sleeps
        return APIClock(
            now: { current.value },
            sleep: { duration in
                sleeps.withValue { $0.append(duration) }
                current.withValue { $0 = $0.addingTimeInterval(seconds(duration)) }
            })
    }

    func advance(_ seconds: TimeInterval) {
        current.withValue { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A transport that answers from a script, in order, and keeps every request it was sent.
struct ScriptedTransport: Sendable {
    enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(TransportError)
    }

    let steps: Locked<[Step]>
    let requests = Locked<[HTTPRequest]>([])
    let clock: TestClock?
    let latency: TimeInterval

    init(_ steps: [Step], clock: TestClock? = nil, latency: TimeInterval = 0) {
        self.steps = Locked(steps)
        self.clock = clock
        self.latency = latency
    }

    var transport: Transport {
        let steps = steps
        let requests = requests
        let clock = clock
        let latency = latency
        return Transport { request in
            requests.withValue { $0.append(request) }
            clock?.advance(latency)
            let step = steps.withValue { $0.isEmpty ? nil : $0.removeFirst() }
            switch step {
            case .respond(let response)?: return response
            case .fail(let error)?: throw error
            case nil:
                Issue.record("the transport was called more often than scripted")
                throw TransportError.other("script exhausted")
            }
        }
    }
}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(body.utf8))
    }
}

/// Collects every attempt that `retrieve` reports.
final class AttemptLog: Sendable {
    let attempts = Locked<[PollAttempt]>([])

    var record: @Sendable (PollAttempt) async throws -> Void {
        let attempts = attempts
        return { attempt in attempts.withValue { $0.append(attempt) } }
    }

    var all: [PollAttempt] { attempts.value }
}

/// A duration as seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Whether two durations differ by less than a microsecond.
func roughlyEqual(_ lhs: Duration, _ rhs: Duration) -> Bool {
    abs(seconds(lhs) - seconds(rhs)) < 1e-6
}
