import Synchronization

/// What the simulator answered: every API request from its arrival (pending until its answer is decided), and every
/// response sent whole. Both logs share one lock, taken once when a request arrives and once when its answer ends.
final class ExchangeLog: Sendable {
    private let entries = Mutex<(requests: [LoggedRequest], responses: [LoggedResponse])>(([], []))

    /// Adds an arriving request (its delivery pending) and returns its arrival number, from 0.
    func arrive(_ request: LoggedRequest) -> Int {
        entries.withLock { entries in
            var request = request
            request.sequence = entries.requests.count
            entries.requests.append(request)
            return request.sequence
        }
    }

    /// Records how the answer to request `sequence` ended, and its response when it was sent whole.
    func finish(
        _ sequence: Int, _ delivery: LoggedRequest.Delivery, answeredAt: ContinuousClock.Instant?,
        at instant: ContinuousClock.Instant, response: LoggedResponse?
    ) {
        entries.withLock { entries in
            if entries.requests.indices.contains(sequence) {
                entries.requests[sequence].delivery = delivery
                entries.requests[sequence].answeredAt = answeredAt
                entries.requests[sequence].finishedAt = instant
            }
            if let response { entries.responses.append(response) }
        }
    }

    /// Requests whose answer has not gone out yet.
    var pending: Int {
        entries.withLock { $0.requests.reduce(0) { $0 + ($1.delivery == .pending ? 1 : 0) } }
    }

    /// Requests from arrival number `offset` on, in arrival order.
    func requests(from offset: Int = 0) -> [LoggedRequest] {
        entries.withLock { Array($0.requests.dropFirst(max(0, offset))) }
    }

    /// Responses from entry `offset` on, in the order their writes completed.
    func responses(from offset: Int = 0) -> [LoggedResponse] {
        entries.withLock { Array($0.responses.dropFirst(max(0, offset))) }
    }

    /// The number of responses sent whole.
    var responseCount: Int {
        entries.withLock { $0.responses.count }
    }
}
