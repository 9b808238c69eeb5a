import Foundation
import Synchronization
import VideoAPI

/// A fake API as a transport closure: answers per video id from a script, and a clock that only moves when slept on.
final class ScriptedAPI: Sendable {
    /// One scripted answer.
    enum Answer: Sendable {
        case json(Int, String, headers: [(String, String)] = [])
        case unreachable
        /// The transport fails with this error (its text may hold ``echoedKey``).
        case failure(TransportError)
    }

    /// In an answer's body, header values or failure text: replaced by the bearer key the request carried,
    /// as a server or proxy that reflects the key would.
    static let echoedKey = "{{bearer key}}"

    private struct State {
        var scripts: [String: [Answer]] = [:]
        var fallback: (@Sendable (String) -> Answer)?
        var requests: [String] = []
        var now = Date(timeIntervalSince1970: 1_773_300_000)
        var sleeps: [Duration] = []
        var inFlight = 0
        var maxInFlight = 0
        var requestCost: Duration = .zero
        var counter = 0
    }
    private let state = Mutex(State())

    init(fallback: (@Sendable (String) -> Answer)? = nil) {
        state.withLock { $0.fallback = fallback }
    }

    /// Queues answers for one id, used in order; the last one repeats.
    func script(_ id: String, _ answers: [Answer]) { state.withLock { $0.scripts[id] = answers } }

    /// Every request's path, in order.
    var requests: [String] { state.withLock { $0.requests } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Each request moves the fake clock by this much.
    func setRequestCost(_ cost: Duration) { state.withLock { $0.requestCost = cost } }

    private static func interval(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Moves the fake clock on by `duration` (the time between two runs).
    func advance(_ duration: Duration) {
        state.withLock { $0.now = $0.now.addingTimeInterval(Self.interval(duration)) }
    }

    var clock: APIClock {
        APIClock(
            now: { [self] in self.state.withLock { $0.now } },
            sleep: { [self] duration in
                try Task.checkCancellation()
                self.state.withLock {
                    $0.sleeps.append(duration)
                    $0.now = $0.now.addingTimeInterval(Self.interval(duration))
                }
            })
    }

    var transport: Transport {
        Transport { [self] request in
            let path = URL(string: request.url)!.path
            let id = String(path.split(separator: "/").last ?? "")
            let (answer, requestID): (Answer, String) = self.state.withLock {
                $0.requests.append(path)
                $0.inFlight += 1
                $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
                let cost = $0.requestCost
                $0.now = $0.now.addingTimeInterval(Self.interval(cost))
                $0.counter += 1
                var answer = $0.fallback?(id) ?? .json(404, #"{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}"#)
                if var queue = $0.scripts[id], !queue.isEmpty {
                    answer = queue.count > 1 ? queue.removeFirst() : queue[0]
                    $0.scripts[id] = queue
                }
                return (answer, "req_\($0.counter)")
            }
            await Task.yield()
            self.state.withLock { $0.inFlight -= 1 }
            let authorization = request.headers.first { $0.0.lowercased() == "authorization" }?.1 ?? ""
            let key = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : authorization
            let echo = { (text: String) in text.replacingOccurrences(of: ScriptedAPI.echoedKey, with: key) }
            switch answer {
            case .unreachable:
                throw TransportError.connectionRefused(host: "127.0.0.1", port: 9)
            case .failure(.other(let text)):
                throw TransportError.other(echo(text))
            case .failure(let error):
                throw error
            case .json(let status, let body, let headers):
                return HTTPResponse(
                    status: status,
                    headers: [("content-type", "application/json"), ("x-request-id", requestID)] + headers.map { ($0.0, echo($0.1)) },
                    body: Data(echo(body).utf8))
            }
        }
    }

    func client(retries: Int = 2) -> VideoAPIClient {
        VideoAPIClient(
            baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: "sk-test-secret", transport: transport, clock: clock,
            policy: RetryPolicy(maxRetries: retries), random: { 0 })
    }

    static func video(_ id: String, _ status: String, progress: Int = 0) -> String {
        let completed = status == "completed" ? "1773296999" : "null"
        return #"{"id":"\#(id)","object":"video","model":"sora-2","status":"\#(status)","progress":\#(progress),"created_at":1773296991,"completed_at":\#(completed),"expires_at":null,"size":"1280x720","seconds":"4"}"#
    }
}
