import Foundation
import JobStore
import VideoModel

/// A fresh temporary folder per test, removed by the caller's `defer`.
struct TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "soratrack-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Builds the poll attempts a test records.
enum Poll {
    static let t0 = Date(timeIntervalSince1970: 1_773_300_000)

    static func id(_ text: String) -> VideoID { try! VideoID(validating: text) }

    /// A 200 response with the given body.
    static func ok(_ id: String, _ json: String, at offset: Double = 0, requestID: String? = nil) -> PollAttempt {
        let body = Data(json.utf8)
        return PollAttempt(
            videoID: Self.id(id), attempt: 0, startedAt: t0.addingTimeInterval(offset),
            finishedAt: t0.addingTimeInterval(offset), httpStatus: 200, requestID: requestID ?? "req_\(UUID().uuidString)",
            body: body, contentType: "application/json", video: try! Video.decode(from: body))
    }

    /// A non-2xx response.
    static func status(_ id: String, _ status: Int, at offset: Double = 0, body: String = #"{"error":{"message":"nope","type":"invalid_request_error","param":null,"code":null}}"#) -> PollAttempt {
        PollAttempt(
            videoID: Self.id(id), attempt: 0, startedAt: t0.addingTimeInterval(offset),
            finishedAt: t0.addingTimeInterval(offset), httpStatus: status, requestID: "req_\(UUID().uuidString)",
            body: Data(body.utf8), contentType: "application/json", pollError: "HTTP \(status): nope")
    }

    /// A transport failure (no response).
    static func unreachable(_ id: String, at offset: Double = 0) -> PollAttempt {
        PollAttempt(
            videoID: Self.id(id), attempt: 0, startedAt: t0.addingTimeInterval(offset),
            finishedAt: t0.addingTimeInterval(offset), pollError: "transport: connection refused")
    }

    static func video(_ id: String, status: String, progress: Int = 0, created: Int = 1_773_296_991, completed: Int? = nil, extra: String = "") -> String {
        let completedText = completed.map(String.init) ?? "null"
        let expires = completed.map { String($0 + 3600) } ?? "null"
        return """
            {"id":"\(id)","object":"video","model":"sora-2","status":"\(status)","progress":\(progress),"created_at":\(created),"completed_at":\(completedText),"expires_at":\(expires),"prompt":"a cat","size":"1280x720","seconds":"4","remixed_from_video_id":null,"error":null\(extra)}
            """
    }
}
