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

    /// The video as a JSON document.
    var jsonBytes: [UInt8] {
        var json = JSONText()
        write(to: &json)
        return json.bytes
    }

    static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
