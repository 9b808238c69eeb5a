import Foundation

/// The wire form of a video: all 13 keys of the `Video` object, in the order of the API reference.
extension SimulatedVideo {
    func write(to json: inout JSONText) {
        json.beginObject()
        json.field("id", id)
        json.field("object", "video")
        json.field("model", model)
        json.field("status", status)
        json.field("progress", Int64(progress))
        json.field("created_at", SimulatedVideo.unixSeconds(createdAt))
        json.field("completed_at", completedAt.map(SimulatedVideo.unixSeconds))
        json.field("expires_at", expiresAt.map(SimulatedVideo.unixSeconds))
        json.field("prompt", prompt)
        json.field("size", size)
        json.field("seconds", seconds)
        json.field("remixed_from_video_id", remixedFromVideoID)
        json.key("error")
        if let errorCode {
            json.beginObject()
            json.field("code", errorCode)
            json.field("message", errorMessage ?? "")
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }

    /// The wire form as a proxy with `quirks` reshapes it, in the flavour of `presentation` (nil: OpenAI's); no quirks
    /// and no flavour change is exactly ``write(to:)``.
    ///
    /// OpenRouter says `pending` for `queued`; once completed, OpenRouter adds `urls` and `unsigned_urls`, Together
    /// `outputs.video_url`, CometAPI `video_url`.
    func write(to json: inout JSONText, quirks: Set<Quirk>, presentation: VideoPresentation? = nil) {
        let presentation = presentation.flatMap { $0.changesBody ? $0 : nil }
        if quirks.isEmpty, presentation == nil { return write(to: &json) }
        let flavor = presentation?.flavor ?? .openai
        let shownStatus = flavor.status(status)
        let omitNulls = quirks.contains(.omitNullKeys)
        let scale: Int64 = quirks.contains(.millisecondTimestamps) ? 1000 : 1
        func field(_ name: String, _ value: String?) {
            if value != nil || !omitNulls { json.field(name, value) }
        }
        func time(_ name: String, _ value: Date?) {
            if value != nil || !omitNulls { json.field(name, value.map { SimulatedVideo.unixSeconds($0) * scale }) }
        }
        json.beginObject()
        field("id", id)
        field("object", "video")
        field("model", model)
        field("status", quirks.contains(.statusSynonyms) ? Quirk.synonym(of: shownStatus) : shownStatus)
        json.field("progress", Int64(progress))
        time("created_at", createdAt)
        time("completed_at", completedAt)
        time("expires_at", expiresAt)
        field("prompt", prompt)
        field("size", size)
        if quirks.contains(.integerSeconds), let whole = Int64(seconds) {
            json.field("seconds", whole)
        } else {
            field("seconds", seconds)
        }
        field("remixed_from_video_id", remixedFromVideoID)
        if let errorCode {
            json.key("error")
            json.beginObject()
            json.field("code", errorCode)
            json.field("message", errorMessage ?? "")
            json.endObject()
        } else if !omitNulls {
            json.key("error")
            json.null()
        }
        if quirks.contains(.extraFields) {
            json.field("quality", "standard")
            json.field("task_id", id)
            if status == "completed", flavor != .comet { json.field("video_url", SimulatedVideo.downloadURL(of: id)) }
        }
        if status == "completed", let presentation { writeLinks(presentation.links(forVideo: id), to: &json, flavor) }
        json.endObject()
    }

    /// The file link fields of a completed video in `flavor`.
    private func writeLinks(_ links: FileLinks, to json: inout JSONText, _ flavor: Flavor) {
        switch flavor {
        case .openrouter:
            json.key("urls")
            json.beginArray()
            json.string(links.signed)
            json.endArray()
            json.key("unsigned_urls")
            json.beginArray()
            json.string(links.unsigned)
            json.endArray()
        case .together:
            json.key("outputs")
            json.beginObject()
            json.field("video_url", links.signed)
            json.endObject()
        case .comet:
            json.field("video_url", links.signed)
        case .openai, .litellm, .azure:
            break
        }
    }

    /// The video as a JSON document.
    var jsonBytes: [UInt8] {
        var json = JSONText()
        write(to: &json)
        return json.bytes
    }

    /// The video as a JSON document reshaped by `quirks`, in the flavour of `presentation` (nil: OpenAI's).
    func jsonBytes(quirks: Set<Quirk>, presentation: VideoPresentation? = nil) -> [UInt8] {
        if quirks.isEmpty, presentation?.changesBody != true { return jsonBytes }
        var json = JSONText()
        write(to: &json, quirks: quirks, presentation: presentation)
        return json.bytes
    }

    /// The time-limited download link a proxy with `extraFields` adds to a completed video.
    static func downloadURL(of id: String) -> String {
        "https://assets.simulator.invalid/videos/\(id).mp4"
    }

    static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
