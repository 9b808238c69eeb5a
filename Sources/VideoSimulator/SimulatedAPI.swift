import Foundation
import Synchronization

/// The fake API behind the socket: the jobs, the clock, the logs, and the one function that decides the response to
/// a request.
final class SimulatedAPI: Sendable {
    let configuration: SimulatorConfiguration
    /// When the simulator started, on the real monotonic clock (request log times are relative to it).
    let startedAt = ContinuousClock.now
    private let state: Mutex<SimulatorState>
    /// Every decided request and every response sent whole.
    let log = ExchangeLog()
    private let rejectAllKeys: Bool
    private let bareErrors: Bool

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        state = Mutex(SimulatorState(configuration: configuration))
        rejectAllKeys = configuration.effectiveRejectAllKeys
        bareErrors = configuration.effectiveQuirks.contains(.bareErrors)
    }

    /// Decides the complete response to `request` as a value, faults included; nothing is written yet.
    func reply(to request: SimulatorRequest) -> SimulatorResponse {
        let arrivedAt = ContinuousClock.now
        let segments = request.pathSegments
        let route = Route(method: request.method, segments: segments)
        if Route.isControl(segments) { return ControlEndpoints.reply(to: request, route: route, api: self) }

        let refusal = rejectAllKeys
            ? Self.token(of: request).flatMap { $0.isEmpty ? nil : ErrorEnvelope.incorrectKey($0) } ?? .missingKey
            : authorise(request)
        var response = state.withLock { state -> SimulatorResponse in
            let now = state.clock.now()
            let requestID = state.nextRequestID()
            var response: SimulatorResponse
            if let refusal {
                response = .error(refusal, videoID: route.videoID, bare: bareErrors)
            } else if request.bodyTooLarge {
                response = .error(ErrorEnvelope(status: 413, message: "The request body is too large."), bare: bareErrors)
            } else if let id = route.videoID, let fault = Self.nextFault(for: route, in: &state), fault != .normal {
                let job = state.liveJob(id)
                let context = FaultContext(
                    videoID: id, requestID: requestID, model: job?.model, token: Self.token(of: request),
                    bareErrors: bareErrors || job?.quirks.contains(.bareErrors) == true
                )
                response = fault.response(in: context) {
                    VideoEndpoints.respond(to: request, route: route, state: &state, now: now, configuration: configuration)
                }
            } else {
                response = VideoEndpoints.respond(
                    to: request, route: route, state: &state, now: now, configuration: configuration
                )
            }
            response.requestID = requestID
            response.virtualTime = Date(timeIntervalSince1970: now)
            if configuration.jitter > .zero { response.delay += configuration.jitter * state.nextJitter() }
            return response
        }
        response.delay += configuration.latency
        response.headers.append(("x-request-id", response.requestID))
        response.headers.append(("openai-version", "2020-10-01"))
        let processingMs = Int((response.delay / .milliseconds(1)).rounded())
        response.headers.append(("openai-processing-ms", String(processingMs)))
        response.headers.append(("content-length", String(response.body.count)))
        response.arrivedAt = arrivedAt
        response.sequence = log.arrive(LoggedRequest(
            sequence: 0, method: request.method, path: request.path, query: request.query, videoID: response.videoID,
            requestID: response.requestID, status: response.status, fault: response.fault, arrivedAt: arrivedAt,
            answeredAt: nil, finishedAt: nil, delivery: .pending, contentType: request.header("content-type"),
            form: route.takesForm ? LoggedFormPart.parts(body: request.body, contentType: request.header("content-type")) : nil
        ))
        return response
    }

    /// The fault of a retrieve (scripted, else random) or of a content download (scripted only); nil for the others.
    private static func nextFault(for route: Route, in state: inout SimulatorState) -> Fault? {
        switch route {
        case .retrieveVideo(let id): state.nextFault(forRetrieveOf: id)
        case .downloadContent(let id): state.nextFault(forContentOf: id)
        default: nil
        }
    }

    /// Records how the answer to `request` ended (it began to go out at `answeredAt`, nil when nothing was sent); a
    /// complete one joins `responses()` too.
    func finish(
        _ response: SimulatorResponse, for request: SimulatorRequest, delivery: LoggedRequest.Delivery,
        answeredAt: ContinuousClock.Instant?
    ) {
        guard let sequence = response.sequence else { return }  // control endpoints are not logged
        let now = ContinuousClock.now
        guard delivery == .complete else {
            return log.finish(sequence, delivery, answeredAt: answeredAt, at: now, response: nil)
        }
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        let sent = LoggedResponse(
            method: request.method, path: request.path, query: request.query, videoID: response.videoID,
            status: response.status, requestID: response.requestID, headers: headers,
            body: Data(response.body), virtualTime: response.virtualTime, fault: response.fault,
            arrivedAt: response.arrivedAt, sentAt: now
        )
        log.finish(sequence, delivery, answeredAt: answeredAt, at: now, response: sent)
    }

    /// Every logged response, in the order their writes completed.
    func responses() -> [LoggedResponse] {
        log.responses()
    }

    /// The virtual time.
    func now() -> Date {
        Date(timeIntervalSince1970: state.withLock { $0.clock.now() })
    }

    /// Moves the virtual clock forward and returns the new time.
    @discardableResult
    func advance(by seconds: Double) -> Date {
        Date(timeIntervalSince1970: state.withLock { state in
            state.clock.advance(by: seconds)
            return state.clock.now()
        })
    }

    /// Creates a scripted job as `POST /v1/videos` would; nil when its fixed id is taken.
    func createVideo(_ video: ScriptedVideo) -> SimulatedVideo? {
        state.withLock { state in
            if let id = video.id, state.jobs[id] != nil { return nil }
            let now = state.clock.now()
            return state.createJob(video, now: now).video(at: now)
        }
    }

    /// Replaces the content fault script of `id`; false when there is no such live job.
    func scriptContent(_ id: String, faults: [Fault], thereafter: Fault?) -> Bool {
        state.withLock { state in
            guard state.liveJob(id) != nil else { return false }
            state.scriptContent(id, faults: faults, thereafter: thereafter)
            return true
        }
    }

    /// Replaces the fault script of `id`; false when there is no such live job.
    func script(_ id: String, faults: [Fault], thereafter: Fault?) -> Bool {
        state.withLock { state in
            guard state.liveJob(id) != nil else { return false }
            state.script(id, faults: faults, thereafter: thereafter)
            return true
        }
    }

    /// The job with this id at the current virtual time; nil when unknown or deleted.
    func video(_ id: String) -> SimulatedVideo? {
        state.withLock { state in state.liveJob(id)?.video(at: state.clock.now()) }
    }

    /// Every live job at the current virtual time, oldest first.
    func videos() -> [SimulatedVideo] {
        state.withLock { state in
            let now = state.clock.now()
            return state.jobs.values
                .filter { !$0.isDeleted }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { $0.video(at: now) }
        }
    }

    /// A request id for a control endpoint response.
    func nextControlRequestID() -> String {
        state.withLock { $0.nextControlRequestID() }
    }

    /// The 401 for a request without an acceptable Bearer token, or nil when it may pass.
    private func authorise(_ request: SimulatorRequest) -> ErrorEnvelope? {
        guard let token = Self.token(of: request), !token.isEmpty else { return .missingKey }
        if let key = configuration.apiKey, token != key { return .incorrectKey(token) }
        return nil
    }

    /// The Bearer token of `request`; nil without an `Authorization: Bearer` header.
    private static func token(of request: SimulatorRequest) -> String? {
        guard let header = request.header("authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
