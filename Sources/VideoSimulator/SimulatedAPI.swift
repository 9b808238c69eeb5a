import Foundation
import Synchronization

/// The fake API behind the socket: the jobs, the clock, the response log, and the one function that decides
/// the response to a request.
final class SimulatedAPI: Sendable {
    let configuration: SimulatorConfiguration
    private let state: Mutex<SimulatorState>
    private let log = Mutex<[LoggedResponse]>([])

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        state = Mutex(SimulatorState(configuration: configuration))
    }

    /// Decides the complete response to `request` as a value; nothing is written yet.
    ///
    /// Fault injection belongs here: a later stage may rewrite the decided response (status, headers, body,
    /// delay) before the connection writes it.
    func reply(to request: SimulatorRequest) -> SimulatorResponse {
        let segments = request.pathSegments
        let route = Route(method: request.method, segments: segments)
        if Route.isControl(segments) { return controlReply(to: request, route: route) }

        let refusal = authorise(request)
        var response = state.withLock { state -> SimulatorResponse in
            let now = state.clock.now()
            var response: SimulatorResponse
            if let refusal {
                response = .error(refusal, videoID: route.videoID)
            } else if request.bodyTooLarge {
                response = .error(ErrorEnvelope(status: 413, message: "The request body is too large."))
            } else {
                response = VideoEndpoints.respond(
                    to: request, route: route, state: &state, now: now, configuration: configuration
                )
            }
            response.requestID = state.nextRequestID()
            response.virtualTime = Date(timeIntervalSince1970: now)
            return response
        }
        response.headers.append(("x-request-id", response.requestID))
        response.headers.append(("openai-version", "2020-10-01"))
        let processingMs = Int((configuration.latency / .milliseconds(1)).rounded())
        response.headers.append(("openai-processing-ms", String(processingMs)))
        response.headers.append(("content-length", String(response.body.count)))
        response.delay = configuration.latency
        return response
    }

    /// Adds a response to the log; the connection calls it once the response was fully written.
    func record(_ response: SimulatorResponse, for request: SimulatorRequest) {
        guard response.isLogged else { return }
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        let entry = LoggedResponse(
            method: request.method, path: request.path, query: request.query, videoID: response.videoID,
            status: response.status, requestID: response.requestID, headers: headers,
            body: Data(response.body), virtualTime: response.virtualTime
        )
        log.withLock { $0.append(entry) }
    }

    /// Every logged response, in the order their writes completed.
    func responses() -> [LoggedResponse] {
        log.withLock { $0 }
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

    /// Creates a job as `POST /v1/videos` would, optionally forcing its ending and duration.
    func createVideo(
        prompt: String, model: String, seconds: String, size: String,
        outcome: SimulatedOutcome?, durationSeconds: Double?
    ) -> SimulatedVideo {
        state.withLock { state in
            let now = state.clock.now()
            let job = state.createJob(
                prompt: prompt, model: model, seconds: seconds, size: size,
                outcome: outcome, durationSeconds: durationSeconds, now: now
            )
            return job.video(at: now)
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

    /// The 401 for a request without an acceptable Bearer token, or nil when it may pass.
    private func authorise(_ request: SimulatorRequest) -> ErrorEnvelope? {
        guard let header = request.header("authorization") else { return .missingKey }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .missingKey }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        if token.isEmpty { return .missingKey }
        if let key = configuration.apiKey, token != key { return .incorrectKey(token) }
        return nil
    }

    /// The response of a control endpoint: no auth, not logged, no seeded request id.
    private func controlReply(to request: SimulatorRequest, route: Route) -> SimulatorResponse {
        var response: SimulatorResponse
        switch route {
        case .controlAdvance:
            let text = request.queryItems["seconds"] ?? ""
            if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
                var json = JSONText(capacity: 32)
                json.beginObject()
                json.field("now", SimulatedVideo.unixSeconds(advance(by: seconds)))
                json.endObject()
                response = .json(200, json.bytes)
            } else {
                response = .error(.badRequest(
                    "Query parameter 'seconds' must be a number of seconds >= 0, got '\(text)'.", param: "seconds"
                ))
            }
        case .controlResponses:
            response = .json(200, responsesJSON(from: Int(request.queryItems["offset"] ?? "") ?? 0))
        case .controlHealth:
            var json = JSONText(capacity: 96)
            json.beginObject()
            json.field("status", "ok")
            json.field("api_key_required", configuration.apiKey != nil)
            json.field("now", SimulatedVideo.unixSeconds(now()))
            json.field("videos", Int64(videos().count))
            json.field("responses", Int64(log.withLock { $0.count }))
            json.endObject()
            response = .json(200, json.bytes)
        default:
            response = .error(.invalidURL(method: request.method, path: request.path))
        }
        response.isLogged = false
        response.requestID = state.withLock { $0.nextControlRequestID() }
        response.virtualTime = now()
        response.headers.append(("x-request-id", response.requestID))
        response.headers.append(("content-length", String(response.body.count)))
        return response
    }

    /// The log from entry `offset` on, as a JSON array; JSON bodies are included as text, others as null.
    private func responsesJSON(from offset: Int) -> [UInt8] {
        let entries = log.withLock { Array($0.dropFirst(max(0, offset))) }
        var json = JSONText(capacity: 256 * entries.count + 2)
        json.beginArray()
        for (position, entry) in entries.enumerated() {
            json.beginObject()
            json.field("index", Int64(max(0, offset) + position))
            json.field("method", entry.method)
            json.field("path", entry.path)
            json.field("query", entry.query)
            json.field("video_id", entry.videoID)
            json.field("status", Int64(entry.status))
            json.field("request_id", entry.requestID)
            json.field("virtual_time", SimulatedVideo.unixSeconds(entry.virtualTime))
            json.field("content_type", entry.headers["content-type"])
            json.field("body_bytes", Int64(entry.body.count))
            let isJSON = entry.headers["content-type"]?.hasPrefix("application/json") ?? false
            json.field("body", isJSON ? entry.bodyText : nil)
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }
}
