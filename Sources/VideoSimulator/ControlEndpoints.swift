import Foundation

/// The simulator's own endpoints under `/_simulator/`: no auth, not in the logs, request ids from their own counter.
enum ControlEndpoints {
    /// The response of a control endpoint.
    static func reply(to request: SimulatorRequest, route: Route, api: SimulatedAPI) -> SimulatorResponse {
        var response: SimulatorResponse
        switch route {
        case .controlAdvance:
            let text = request.queryItems["seconds"] ?? ""
            if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
                var json = JSONText(capacity: 32)
                json.beginObject()
                json.field("now", SimulatedVideo.unixSeconds(api.advance(by: seconds)))
                json.endObject()
                response = .json(200, json.bytes)
            } else {
                response = .error(.badRequest(
                    "Query parameter 'seconds' must be a number of seconds >= 0, got '\(text)'.", param: "seconds"
                ))
            }
        case .controlResponses:
            response = .json(200, responsesJSON(api.log.responses(from: offset(request)), from: offset(request)))
        case .controlRequests:
            response = .json(200, requestsJSON(api.log.requests(from: offset(request)), since: api.startedAt))
        case .controlCreateVideo:
            response = createVideo(request, api: api)
        case .controlHealth:
            var json = JSONText(capacity: 96)
            json.beginObject()
            json.field("status", "ok")
            json.field("flavor", api.flavor.rawValue)
            json.field("api_key_required", api.configuration.apiKey != nil)
            json.field("now", SimulatedVideo.unixSeconds(api.now()))
            json.field("videos", Int64(api.videos().count))
            json.field("responses", Int64(api.log.responseCount))
            json.field("pending", Int64(api.log.pending))
            json.field("rate_limited", Int64(api.limiter?.refusedCount ?? 0))
            json.endObject()
            response = .json(200, json.bytes)
        default:
            response = .error(.invalidURL(method: request.method, path: request.path))
        }
        response.requestID = api.nextControlRequestID()
        response.virtualTime = api.now()
        response.headers.append(("x-request-id", response.requestID))
        response.headers.append(("content-length", String(response.body.count)))
        return response
    }

    /// `POST /_simulator/videos`: creates a video from one scenario entry (fixed id, outcome, faults, quirks).
    private static func createVideo(_ request: SimulatorRequest, api: SimulatedAPI) -> SimulatorResponse {
        let wrapped = Data("{\"videos\":[".utf8) + Data(request.body) + Data("]}".utf8)
        let scenario: Scenario
        do {
            scenario = try Scenario.parse(wrapped, source: "in the request body")
        } catch {
            return .error(.badRequest(error.description))
        }
        guard let video = scenario.videos.first, scenario.videos.count == 1 else {
            return .error(.badRequest("The body must be one video object of the scenario format."))
        }
        guard let created = api.createVideo(video) else {
            return .error(.badRequest("A video with id '\(video.id ?? "")' already exists.", param: "id"))
        }
        return .json(200, created.jsonBytes, videoID: created.id)
    }

    private static func offset(_ request: SimulatorRequest) -> Int {
        Int(request.queryItems["offset"] ?? "") ?? 0
    }

    /// Logged responses as a JSON array; JSON bodies are included as text, others as null.
    private static func responsesJSON(_ entries: [LoggedResponse], from offset: Int) -> [UInt8] {
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
            json.field("fault", entry.fault?.name)
            let isJSON = entry.headers["content-type"]?.hasPrefix("application/json") ?? false
            json.field("body", isJSON ? entry.bodyText : nil)
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }

    /// The request log as a JSON array; times are milliseconds since the simulator started (monotonic clock).
    private static func requestsJSON(_ entries: [LoggedRequest], since start: ContinuousClock.Instant) -> [UInt8] {
        func milliseconds(_ instant: ContinuousClock.Instant) -> Double {
            ((start.duration(to: instant) / .microseconds(1)).rounded()) / 1000
        }
        var json = JSONText(capacity: 200 * entries.count + 2)
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.field("index", Int64(entry.sequence))
            json.field("method", entry.method)
            json.field("path", entry.path)
            json.field("video_id", entry.videoID)
            json.field("request_id", entry.requestID)
            json.field("status", Int64(entry.status))
            json.field("fault", entry.fault?.name)
            json.field("delivery", deliveryName(entry.delivery))
            json.key("arrived_ms")
            json.number(milliseconds(entry.arrivedAt))
            json.key("answered_ms")
            if let answered = entry.answeredAt { json.number(milliseconds(answered)) } else { json.null() }
            json.key("finished_ms")
            if let finished = entry.finishedAt { json.number(milliseconds(finished)) } else { json.null() }
            json.field("content_type", entry.contentType)
            json.field("auth_sent", entry.authSent)
            json.key("form")
            if let form = entry.form {
                json.beginArray()
                for part in form {
                    json.beginObject()
                    json.field("name", part.name)
                    json.field("filename", part.filename)
                    json.field("content_type", part.contentType)
                    json.field("bytes", Int64(part.data.count))
                    json.field("value", part.filename == nil ? part.text : nil)
                    json.endObject()
                }
                json.endArray()
            } else {
                json.null()
            }
            json.endObject()
        }
        json.endArray()
        return json.bytes
    }

    private static func deliveryName(_ delivery: LoggedRequest.Delivery) -> String {
        switch delivery {
        case .pending: "pending"
        case .complete: "complete"
        case .truncated: "truncated"
        case .closedWithoutResponse: "closed_without_response"
        case .clientGone: "client_gone"
        }
    }
}
