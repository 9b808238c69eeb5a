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
    /// The rate limit on API requests, when configured.
    let limiter: RequestRateLimiter?
    private let rejectAllKeys: Bool
    private let bareErrors: Bool
    /// The host the server listens on, as written in links (`127.0.0.1`).
    private let host: String

    init(configuration: SimulatorConfiguration, host: String = "127.0.0.1") {
        self.configuration = configuration
        self.host = host.contains(":") ? "[\(host)]" : host
        state = Mutex(SimulatorState(configuration: configuration))
        rejectAllKeys = configuration.effectiveRejectAllKeys
        bareErrors = configuration.effectiveQuirks.contains(.bareErrors)
        limiter = configuration.rateLimitRPM.map {
            RequestRateLimiter(perMinute: $0, burst: configuration.rateLimitBurst)
        }
    }

    /// The gateway the simulator answers as.
    var flavor: Flavor { configuration.flavor }

    /// Decides the complete response to `request` as a value, faults included; nothing is written yet.
    func reply(to request: SimulatorRequest) -> SimulatorResponse {
        let arrivedAt = ContinuousClock.now
        let segments = request.pathSegments
        let route = Route(method: request.method, segments: segments, flavor: flavor)
        if Route.isControl(segments) { return ControlEndpoints.reply(to: request, route: route, api: self) }
        if configuration.hang { return hold(request, route: route, arrivedAt: arrivedAt) }
        if case .file(let name) = route { return file(name, request: request, route: route, arrivedAt: arrivedAt) }

        let refusal = refusal(of: request)
        let limit = limiter.map { refusal == nil ? $0.take(at: arrivedAt) : $0.peek(at: arrivedAt) }
        let presentation = VideoPresentation(
            flavor: flavor, seed: configuration.seed, apiRoot: "http://\(host):\(request.localPort)",
            port: request.localPort
        )
        var response = state.withLock { state -> SimulatorResponse in
            let now = state.clock.now()
            let requestID = state.nextRequestID()
            var response: SimulatorResponse
            if let refusal {
                response = .error(refusal, videoID: route.videoID, bare: bareErrors)
            } else if let limit, !limit.allowed {
                response = rateLimited(limit, videoID: route.videoID)
            } else if request.bodyTooLarge {
                response = .error(ErrorEnvelope(status: 413, message: "The request body is too large."), bare: bareErrors)
            } else if let answer = gatewayAnswer(to: request, route: route) {
                response = answer
            } else {
                response = respond(to: request, route: route, state: &state, now: now, requestID: requestID, presentation)
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
        if let limiter, let limit { response.headers += limiter.headers(limit) }
        flavor.dress(&response, route: route, callID: callID(for: response.requestID))
        response.headers.append(("content-length", String(response.body.count)))
        response.arrivedAt = arrivedAt
        response.sequence = arrive(request, route: route, response: response, arrivedAt: arrivedAt)
        return response
    }

    /// The answer of the endpoints, or of a fault, to an authorised request (called under the state's lock).
    private func respond(
        to request: SimulatorRequest, route pathRoute: Route, state: inout SimulatorState, now: Double,
        requestID: String, _ presentation: VideoPresentation
    ) -> SimulatorResponse {
        var route = pathRoute
        if let pathID = pathRoute.videoID {
            guard let storedID = state.storedID(forPathID: pathID) else {
                return LiteLLMGateway.providerNotProvided(videoID: pathID)
            }
            route = pathRoute.naming(storedID)
        }
        var response: SimulatorResponse
        if let id = route.videoID, let fault = Self.nextFault(for: route, in: &state), fault != .normal {
            let job = state.liveJob(id)
            let context = FaultContext(
                videoID: id, requestID: requestID, model: job?.model, token: token(of: request),
                bareErrors: bareErrors || job?.quirks.contains(.bareErrors) == true, path: request.path
            )
            response = fault.response(in: context) {
                VideoEndpoints.respond(
                    to: request, route: route, state: &state, now: now, configuration: configuration,
                    presentation: presentation
                )
            }
        } else {
            response = VideoEndpoints.respond(
                to: request, route: route, state: &state, now: now, configuration: configuration,
                presentation: presentation
            )
        }
        // The log and LiteLLM's rebuilt body name a job by the id clients see; an unknown one as the path named it.
        if let id = response.videoID {
            response.videoID = state.jobs[id]?.publicID ?? pathRoute.videoID ?? id
        }
        return response
    }

    /// The answer the flavour's gateway gives itself, without the API: LiteLLM has no listing (router mode) and no
    /// `DELETE`; Together has no content endpoint.
    private func gatewayAnswer(to request: SimulatorRequest, route: Route) -> SimulatorResponse? {
        switch (flavor, route) {
        case (.litellm, .listVideos): LiteLLMGateway.providerNotProvided(videoID: nil)
        case (.litellm, .deleteVideo(let id)): LiteLLMGateway.methodNotAllowed(videoID: id)
        case (.together, .downloadContent(let id)):
            .error(.invalidURL(method: request.method, path: request.path), videoID: id)
        default: nil
        }
    }

    /// 429 `rate_limit_exceeded` for a request the bucket refused, with `retry-after` (whole seconds, rounded up) and
    /// `retry-after-ms` until the next token.
    private func rateLimited(_ limit: RequestRateLimiter.Decision, videoID: String?) -> SimulatorResponse {
        let wait = RequestRateLimiter.seconds(limit.untilNextToken)
        let retryAfter = max(1, Int(wait.rounded(.up)))
        let retryAfterMs = max(1, Int((wait * 1000).rounded(.up)))
        let perMinute = limiter?.perMinute ?? 0
        var response = SimulatorResponse.error(ErrorEnvelope(
            status: 429,
            message: "Rate limit reached for requests per min (RPM): Limit \(perMinute), Remaining 0. "
                + "Please try again in \(RequestRateLimiter.resetText(limit.untilNextToken)).",
            type: "requests", code: "rate_limit_exceeded"
        ), videoID: videoID, bare: bareErrors)
        response.headers.append(("retry-after", String(retryAfter)))
        response.headers.append(("retry-after-ms", String(retryAfterMs)))
        response.fault = .rateLimited(retryAfter: retryAfter, retryAfterMs: retryAfterMs)
        return response
    }

    /// `GET /files/NAME`: a signed file link, without auth; a video's content faults apply to it as to its
    /// downloads. Answered as a storage host answers: no flavour, no rate limit.
    private func file(_ name: String, request: SimulatorRequest, route: Route, arrivedAt: ContinuousClock.Instant)
        -> SimulatorResponse
    {
        var response = state.withLock { state -> SimulatorResponse in
            let now = state.clock.now()
            let requestID = state.nextRequestID()
            let (plain, id) = FileEndpoint.respond(
                name: name, request: request, state: state, now: now, seed: configuration.seed
            )
            var response = plain
            if let id, let fault = state.nextFault(forContentOf: id), fault != .normal {
                let context = FaultContext(
                    videoID: id, requestID: requestID, model: state.liveJob(id)?.model, token: nil,
                    bareErrors: bareErrors, path: request.path
                )
                response = fault.response(in: context) { plain }
            }
            response.requestID = requestID
            response.virtualTime = Date(timeIntervalSince1970: now)
            if configuration.jitter > .zero { response.delay += configuration.jitter * state.nextJitter() }
            return response
        }
        response.delay += configuration.latency
        response.headers.append(("x-request-id", response.requestID))
        response.headers.append(("content-length", String(response.body.count)))
        response.arrivedAt = arrivedAt
        response.sequence = arrive(request, route: route, response: response, arrivedAt: arrivedAt)
        return response
    }

    /// A request the simulator reads and never answers (`hang`): logged pending, held until its connection closes.
    private func hold(_ request: SimulatorRequest, route: Route, arrivedAt: ContinuousClock.Instant) -> SimulatorResponse {
        var response = SimulatorResponse(status: 0, videoID: route.videoID)
        response.transmission = .hold
        response.arrivedAt = arrivedAt
        response.sequence = arrive(request, route: route, response: response, arrivedAt: arrivedAt)
        return response
    }

    /// Logs an arriving request with the answer decided for it; returns its arrival number.
    private func arrive(
        _ request: SimulatorRequest, route: Route, response: SimulatorResponse, arrivedAt: ContinuousClock.Instant
    ) -> Int {
        log.arrive(LoggedRequest(
            sequence: 0, method: request.method, path: request.path, query: request.query, videoID: response.videoID,
            requestID: response.requestID, status: response.status, fault: response.fault, arrivedAt: arrivedAt,
            answeredAt: nil, finishedAt: nil, delivery: .pending, contentType: request.header("content-type"),
            form: route.takesForm ? LoggedFormPart.parts(body: request.body, contentType: request.header("content-type")) : nil,
            authSent: request.sendsAuth
        ))
    }

    /// LiteLLM's `x-litellm-call-id` for the answer with `requestID`: a UUID fixed for a seed and request id.
    private func callID(for requestID: String) -> String {
        var random = SeededRandom(seed: configuration.seed, stream: .callID, index: SeededRandom.hash(requestID))
        return random.uuid()
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
            return state.createJob(video, now: now).publicVideo(at: now)
        }
    }

    /// Replaces the content fault script of `id` (the id clients see, or the stored one); false when there is no such
    /// live job.
    func scriptContent(_ id: String, faults: [Fault], thereafter: Fault?) -> Bool {
        state.withLock { state in
            let id = state.storedID(forAnyID: id)
            guard state.liveJob(id) != nil else { return false }
            state.scriptContent(id, faults: faults, thereafter: thereafter)
            return true
        }
    }

    /// Replaces the fault script of `id` (the id clients see, or the stored one); false when there is no such live job.
    func script(_ id: String, faults: [Fault], thereafter: Fault?) -> Bool {
        state.withLock { state in
            let id = state.storedID(forAnyID: id)
            guard state.liveJob(id) != nil else { return false }
            state.script(id, faults: faults, thereafter: thereafter)
            return true
        }
    }

    /// The job with this id (the id clients see, or the stored one) at the current virtual time; nil when unknown or
    /// deleted.
    func video(_ id: String) -> SimulatedVideo? {
        state.withLock { state in state.liveJob(state.storedID(forAnyID: id))?.publicVideo(at: state.clock.now()) }
    }

    /// Every live job at the current virtual time, oldest first.
    func videos() -> [SimulatedVideo] {
        state.withLock { state in
            let now = state.clock.now()
            return state.jobs.values
                .filter { !$0.isDeleted }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { $0.publicVideo(at: now) }
        }
    }

    /// A request id for a control endpoint response.
    func nextControlRequestID() -> String {
        state.withLock { $0.nextControlRequestID() }
    }

    /// The 401 for a request without an acceptable key, or nil when it may pass: an `Authorization: Bearer` token, or
    /// for Azure an `api-key` header; every key is refused with `rejectAllKeys`.
    private func refusal(of request: SimulatorRequest) -> ErrorEnvelope? {
        if flavor.usesAPIKeyHeader {
            let key = token(of: request) ?? ""
            if rejectAllKeys || key.isEmpty { return .accessDenied }
            if let expected = configuration.apiKey, key != expected { return .accessDenied }
            return nil
        }
        if rejectAllKeys {
            return Self.bearerToken(of: request).flatMap { $0.isEmpty ? nil : ErrorEnvelope.incorrectKey($0) } ?? .missingKey
        }
        guard let token = Self.bearerToken(of: request), !token.isEmpty else { return .missingKey }
        if let key = configuration.apiKey, token != key { return .incorrectKey(token) }
        return nil
    }

    /// The key `request` carries in the flavour's header; nil without one.
    private func token(of request: SimulatorRequest) -> String? {
        guard flavor.usesAPIKeyHeader else { return Self.bearerToken(of: request) }
        return request.header("api-key")?.trimmingCharacters(in: .whitespaces)
    }

    /// The Bearer token of `request`; nil without an `Authorization: Bearer` header.
    private static func bearerToken(of request: SimulatorRequest) -> String? {
        guard let header = request.header("authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
