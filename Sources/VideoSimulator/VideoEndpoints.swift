import Foundation

/// The `/v1/videos` endpoints: each turns one authorised request into one response against the state.
enum VideoEndpoints {
    /// Clip lengths the API accepts (`4`, `8`, `12` from the spec; `16`, `20` from the newer guide).
    static let clipLengths: Set<String> = ["4", "8", "12", "16", "20"]
    static let clipLengthsText = "one of '4', '8', '12', '16' or '20'"

    /// The response to `request` on `route` at virtual time `now` (unix seconds); video objects are written as
    /// `presentation` tells (nil: OpenAI's shape).
    static func respond(
        to request: SimulatorRequest,
        route: Route,
        state: inout SimulatorState,
        now: Double,
        configuration: SimulatorConfiguration,
        presentation: VideoPresentation? = nil
    ) -> SimulatorResponse {
        do throws(ErrorEnvelope) {
            switch route {
            case .createVideo: return try create(request, state: &state, now: now, presentation: presentation)
            case .listVideos:
                if let refusal = configuration.effectiveListing.refusal(path: request.path) { return refusal }
                return try list(request, state: state, now: now, presentation: presentation)
            case .retrieveVideo(let id):
                return try retrieve(id, state: state, now: now, configuration: configuration, presentation: presentation)
            case .deleteVideo(let id): return try delete(id, state: &state, now: now)
            case .downloadContent(let id):
                return try content(id, request, state: state, now: now, seed: configuration.seed, flavor: configuration.flavor)
            case .remixVideo(let id): return try remix(id, request, state: &state, now: now, presentation: presentation)
            case .controlAdvance, .controlResponses, .controlHealth, .controlRequests, .controlCreateVideo, .file, .unknown:
                throw ErrorEnvelope.invalidURL(method: request.method, path: request.path)
            }
        } catch {
            return .error(error, videoID: route.videoID, bare: state.globalQuirks.contains(.bareErrors))
        }
    }

    /// `POST /v1/videos`: a new queued job from a JSON or multipart body (already failed when the prompt holds a
    /// blocked term).
    static func create(
        _ request: SimulatorRequest, state: inout SimulatorState, now: Double, presentation: VideoPresentation? = nil
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        let form = try RequestForm(request)
        let prompt = try form.prompt()
        let model = try form.string(
            "model", default: "sora-2", expected: "a model name such as 'sora-2' or 'sora-2-pro'",
            isValid: { !$0.isEmpty }
        )
        let seconds = try form.string(
            "seconds", default: "4", expected: clipLengthsText, isValid: { clipLengths.contains($0) }
        )
        let size = try form.string(
            "size", default: "720x1280", expected: "a size as WIDTHxHEIGHT such as '720x1280' or '1280x720'",
            isValid: isSize
        )
        let blocked = state.moderation(of: prompt)
        let job = state.createJob(
            prompt: prompt, model: model, seconds: seconds, size: size, outcome: blocked?.outcome,
            durationSeconds: blocked?.durationSeconds, now: now
        )
        let body = job.video(at: now).jsonBytes(quirks: state.quirks(of: job), presentation: presentation)
        return .json(200, body, videoID: job.id)
    }

    /// `GET /v1/videos/{id}`: the full video object; carries the poll hint while the job runs, when configured.
    static func retrieve(
        _ id: String, state: SimulatorState, now: Double, configuration: SimulatorConfiguration,
        presentation: VideoPresentation? = nil
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        guard let job = state.liveJob(id) else { throw .videoNotFound(id) }
        let video = job.video(at: now)
        let body = video.jsonBytes(quirks: state.quirks(of: job), presentation: presentation)
        var response = SimulatorResponse.json(200, body, videoID: id)
        if let pollAfter = configuration.pollAfterMs, !video.isTerminal {
            response.headers.append(("openai-poll-after-ms", String(pollAfter)))
        }
        return response
    }

    /// `GET /v1/videos?limit&after&order`: one page, newest first unless `order=asc`.
    ///
    /// `after` may name a deleted video (its place in the order is kept); an id never issued is a 400.
    static func list(
        _ request: SimulatorRequest, state: SimulatorState, now: Double, presentation: VideoPresentation? = nil
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        let query = request.queryItems
        let limit = try limitParameter(query["limit"])
        let ascending: Bool
        switch query["order"] {
        case nil, "desc"?: ascending = false
        case "asc"?: ascending = true
        case let other?:
            throw .badRequest(
                "Invalid value: '\(other)'. Supported values are: 'asc' and 'desc'.", param: "order", code: "invalid_value"
            )
        }
        func precedes(_ a: SimulatedJob, _ b: SimulatedJob) -> Bool {
            let forward = a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id
            return ascending ? forward : !forward && a.id != b.id
        }
        var candidates = state.jobs.values.filter { !$0.isDeleted }
        if let after = query["after"], !after.isEmpty {
            guard let cursor = state.jobs[after] else {
                throw .badRequest(
                    "Invalid 'after': no video with id '\(after)' exists.", param: "after", code: "invalid_value"
                )
            }
            candidates = candidates.filter { precedes(cursor, $0) }
        }
        candidates.sort(by: precedes)
        let page = candidates.prefix(limit)

        var json = JSONText(capacity: 64 + page.count * 420)
        json.beginObject()
        json.field("object", "list")
        json.key("data")
        json.beginArray()
        for job in page { job.video(at: now).write(to: &json, quirks: state.quirks(of: job), presentation: presentation) }
        json.endArray()
        json.field("first_id", page.first?.id)
        json.field("last_id", page.last?.id)
        json.field("has_more", candidates.count > page.count)
        json.endObject()
        return .json(200, json.bytes)
    }

    /// `GET /v1/videos/{id}/content?variant=`: the asset bytes of a completed job whose assets have not expired.
    ///
    /// Not finished or failed: 400 JSON error. Expired (`now >= expires_at`): 410 JSON error, code `video_expired`.
    /// A flavour that does not honour `variant` always sends the video; OpenRouter takes `index=0` (the only file).
    static func content(
        _ id: String, _ request: SimulatorRequest, state: SimulatorState, now: Double, seed: UInt64,
        flavor: Flavor = .openai
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        guard let job = state.liveJob(id) else { throw .videoNotFound(id) }
        if flavor == .openrouter, let index = request.queryItems["index"], index != "0" {
            throw .badRequest("Invalid 'index': video '\(id)' has one file, at index 0.", param: "index")
        }
        let variant = flavor.honoursVariant ? request.queryItems["variant"] ?? "video" : "video"
        guard let mediaType = PseudoContent.mediaTypes[variant] else {
            throw .badRequest(
                "Invalid value: '\(variant)'. Supported values are: 'video', 'thumbnail' and 'spritesheet'.",
                param: "variant", code: "invalid_value"
            )
        }
        let video = job.video(at: now)
        switch video.status {
        case "completed":
            break
        case "failed":
            throw .badRequest("Video '\(id)' failed, so it has no content to download.")
        default:
            throw .badRequest(
                "Video is not ready yet, use GET /v1/videos/\(id) to check status (status: \(video.status))."
            )
        }
        if job.assetsExpired(at: now) {
            throw ErrorEnvelope(
                status: 410,
                message: "The content of video '\(id)' expired at \(job.endedAt + SimulatedJob.assetLifetime) "
                    + "and is no longer available.",
                code: "video_expired"
            )
        }
        let bytes = PseudoContent.bytes(seed: seed, videoID: id, variant: variant)
        return SimulatorResponse(status: 200, headers: [("content-type", mediaType)], body: bytes, videoID: id)
    }

    /// `DELETE /v1/videos/{id}`: removes a finished job; a queued or running one is refused with a 400.
    static func delete(
        _ id: String, state: inout SimulatorState, now: Double
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        guard let job = state.liveJob(id) else { throw .videoNotFound(id) }
        let video = job.video(at: now)
        guard video.isTerminal else {
            throw .badRequest(
                "Video '\(id)' cannot be deleted while it is \(video.status); "
                    + "only completed or failed videos can be deleted."
            )
        }
        state.jobs[id]?.isDeleted = true
        var json = JSONText(capacity: 96)
        json.beginObject()
        json.field("id", id)
        json.field("object", "video.deleted")
        json.field("deleted", true)
        json.endObject()
        return .json(200, json.bytes, videoID: id)
    }

    /// `POST /v1/videos/{id}/remix`: a new queued job from a completed one, with the same model, size and length.
    static func remix(
        _ id: String, _ request: SimulatorRequest, state: inout SimulatorState, now: Double,
        presentation: VideoPresentation? = nil
    ) throws(ErrorEnvelope) -> SimulatorResponse {
        guard let source = state.liveJob(id) else { throw .videoNotFound(id) }
        let prompt = try RequestForm(request).prompt()
        let status = source.video(at: now).status
        guard status == "completed" else {
            throw .badRequest(
                "Video '\(id)' cannot be remixed while it is \(status); only completed videos can be remixed."
            )
        }
        let blocked = state.moderation(of: prompt)
        let job = state.createJob(
            prompt: prompt, model: source.model, seconds: source.seconds, size: source.size,
            remixedFrom: id, outcome: blocked?.outcome, durationSeconds: blocked?.durationSeconds, now: now
        )
        let body = job.video(at: now).jsonBytes(quirks: state.quirks(of: job), presentation: presentation)
        return .json(200, body, videoID: job.id)
    }

    /// Whether `text` is `WIDTHxHEIGHT` with two positive integers.
    static func isSize(_ text: String) -> Bool {
        let sides = text.split(separator: "x", omittingEmptySubsequences: false)
        return sides.count == 2 && sides.allSatisfy { side in
            !side.isEmpty && side.count <= 5 && side.allSatisfy(\.isASCII) && (Int(side) ?? 0) > 0
        }
    }

    private static func limitParameter(_ text: String?) throws(ErrorEnvelope) -> Int {
        guard let text else { return 20 }
        guard let limit = Int(text) else {
            throw .badRequest(
                "Invalid 'limit': expected an integer, but got '\(text)' instead.", param: "limit", code: "invalid_type"
            )
        }
        if limit < 0 {
            throw .badRequest(
                "Invalid 'limit': integer below minimum value. Expected a value >= 0, but got \(limit) instead.",
                param: "limit", code: "integer_below_min_value"
            )
        }
        if limit > 100 {
            throw .badRequest(
                "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got \(limit) instead.",
                param: "limit", code: "integer_above_max_value"
            )
        }
        return limit
    }
}
