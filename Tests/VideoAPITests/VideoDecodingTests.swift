import Foundation
import Testing
import VideoAPI

/// Example bodies from the OpenAI and CometAPI documentation, copied verbatim, and the quirks proxies add.
@Suite("Decoding videos")
struct VideoDecodingTests {
    private func decode(_ body: String) throws -> Video {
        try Video.decode(from: Data(body.utf8))
    }

    private func malformedReason(_ body: String) -> String? {
        do {
            _ = try Video.decode(from: Data(body.utf8))
            return nil
        } catch {
            if case .malformedBody(let reason) = error { return reason }
            return "unexpected error \(error)"
        }
    }

    @Test("a) a CometAPI create response decodes as queued")
    func cometCreate() throws {
        let video = try decode(#"""
            {"created_at":1773296991,"id":"video_69b25d5f467c81908733a56bc236b4df","model":"sora-2","object":"video","progress":0,"seconds":"4","size":"1280x720","status":"queued"}
            """#)
        #expect(video.id == "video_69b25d5f467c81908733a56bc236b4df")
        #expect(video.status == "queued")
        #expect(video.phase == .queued)
        #expect(video.object == "video")
        #expect(video.model == "sora-2")
        #expect(video.progress == 0)
        #expect(video.createdAt == 1_773_296_991)
        #expect(video.completedAt == nil)
        #expect(video.expiresAt == nil)
        #expect(video.prompt == nil)
        #expect(video.seconds == "4")
        #expect(video.size == "1280x720")
        #expect(video.remixedFromVideoID == nil)
        #expect(video.error == nil)
    }

    @Test("b) an OpenAI create response with the extra quality field decodes")
    func openAICreate() throws {
        let video = try decode(#"""
            {"id":"video_123","object":"video","model":"sora-2","status":"queued","progress":0,"created_at":1712697600,"size":"1024x1792","seconds":"8","quality":"standard"}
            """#)
        #expect(
            video
                == Video(
                    id: "video_123", status: "queued", object: "video", model: "sora-2", progress: 0,
                    createdAt: 1_712_697_600, size: "1024x1792", seconds: "8"))
    }

    @Test("c) an in-progress retrieve with explicit nulls decodes")
    func inProgress() throws {
        let video = try decode(#"""
            {"id":"video_69b25d5f467c81908733a56bc236b4df","size":"1280x720","error":null,"model":"sora-2","object":"video","prompt":"A paper airplane glides across a desk.","status":"in_progress","seconds":"4","progress":0,"created_at":1773296991,"expires_at":null,"completed_at":null,"remixed_from_video_id":null}
            """#)
        #expect(video.status == "in_progress")
        #expect(video.phase == .running)
        #expect(video.prompt == "A paper airplane glides across a desk.")
        #expect(video.createdAt == 1_773_296_991)
        #expect(video.completedAt == nil)
        #expect(video.expiresAt == nil)
        #expect(video.error == nil)
        #expect(video.remixedFromVideoID == nil)
    }

    @Test("d) a completed retrieve carries completed_at and expires_at")
    func completed() throws {
        let video = try decode(#"""
            {"id":"video_691611812ca88190bfb123716dcc953a089a232f54b02b21","object":"video","created_at":1763053953,"status":"completed","completed_at":1763054021,"error":null,"expires_at":1763057621,"model":"sora-2","progress":100,"prompt":"aurora","remixed_from_video_id":null,"seconds":"4","size":"1280x720"}
            """#)
        #expect(video.phase == .completed)
        #expect(video.phase.isTerminal)
        #expect(video.createdAt == 1_763_053_953)
        #expect(video.completedAt == 1_763_054_021)
        #expect(video.expiresAt == 1_763_057_621)
        #expect(video.progress == 100)
        #expect(video.prompt == "aurora")
    }

    @Test("e) a failed retrieve carries the error code and message")
    func failed() throws {
        let video = try decode(#"""
            {"id":"video_abc","object":"video","model":"sora-2-pro","status":"failed","progress":0,"created_at":1760000000,"completed_at":null,"expires_at":null,"prompt":"…","size":"1280x720","seconds":"8","remixed_from_video_id":null,"error":{"code":"moderation_blocked","message":"Your request was blocked by our moderation system."}}
            """#)
        #expect(video.phase == .failed)
        #expect(video.prompt == "…")
        #expect(video.model == "sora-2-pro")
        #expect(video.error == APIErrorInfo(code: "moderation_blocked", message: "Your request was blocked by our moderation system."))
        #expect(video.error?.summary == "moderation_blocked: Your request was blocked by our moderation system.")
    }

    @Test("f) a remix response names its source video")
    func remix() throws {
        let video = try decode(#"""
            {"id":"video_456","object":"video","model":"sora-2","status":"queued","progress":0,"created_at":1712698600,"size":"720x1280","seconds":"8","remixed_from_video_id":"video_123"}
            """#)
        #expect(video.remixedFromVideoID == "video_123")
        #expect(video.createdAt == 1_712_698_600)
    }

    @Test("g) list pages decode, with and without the optional cursor keys")
    func listPages() throws {
        let short = try VideoPage.decode(from: Data(#"""
            {"data":[{"id":"video_123","object":"video","model":"sora-2","status":"completed"}],"object":"list"}
            """#.utf8))
        #expect(short.data.map(\.id) == ["video_123"])
        #expect(short.data.first?.phase == .completed)
        #expect(short.firstID == nil)
        #expect(short.lastID == nil)
        #expect(short.hasMore == false)

        let full = try VideoPage.decode(from: Data(#"""
            {"object":"list","data":[{"id":"video_123","object":"video","model":"sora-2","status":"completed","progress":100,"created_at":1712697600,"completed_at":1712697700,"expires_at":1712701300,"prompt":"…","size":"720x1280","seconds":"4","remixed_from_video_id":null,"error":null}],"first_id":"video_123","last_id":"video_123","has_more":false}
            """#.utf8))
        #expect(full.data.count == 1)
        #expect(full.data[0].completedAt == 1_712_697_700)
        #expect(full.data[0].expiresAt == 1_712_701_300)
        #expect(full.firstID == "video_123")
        #expect(full.lastID == "video_123")
        #expect(full.hasMore == false)
    }

    @Test("h) a delete response is not a video: it has no status")
    func deleteIsNotAVideo() {
        #expect(malformedReason(#"{"id":"video_123","object":"video.deleted","deleted":true}"#) == #"missing "status""#)
    }

    @Test("i) error envelopes are not videos")
    func errorEnvelopesAreNotVideos() {
        let bodies = [
            #"{"error":{"message":"Incorrect API key provided: sk-your-**********-key. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
            #"{"error":{"message":"field messages is required (request id: ...)","type":"comet_api_error","param":"","code":"invalid_request"}}"#,
            #"{"error":{"code":"model_not_found","message":"no available channel for group default and model sora-2-all (distributor) (request id: 20260205132859798638387SIHCnxzJ)","type":"comet_api_error"}}"#,
        ]
        for body in bodies {
            #expect(malformedReason(body) == #"missing "id""#)
        }
    }

    @Test("millisecond timestamps become seconds")
    func millisecondTimestamps() throws {
        let video = try decode(
            #"{"id":"v1","status":"completed","created_at":1773296991000,"completed_at":1773297059123.0,"expires_at":"1773300659000"}"#)
        #expect(video.createdAt == 1_773_296_991)
        #expect(video.completedAt == 1_773_297_059)
        #expect(video.expiresAt == 1_773_300_659)
    }

    @Test("timestamps given as floats or numeric strings are read as seconds")
    func floatAndStringTimestamps() throws {
        let video = try decode(#"{"id":"v1","status":"queued","created_at":1773296991.75,"expires_at":" 1773300000 "}"#)
        #expect(video.createdAt == 1_773_296_991)
        #expect(video.expiresAt == 1_773_300_000)
    }

    @Test("seconds given as a number becomes text")
    func numericSeconds() throws {
        #expect(try decode(#"{"id":"v","status":"queued","seconds":4}"#).seconds == "4")
        #expect(try decode(#"{"id":"v","status":"queued","seconds":4.0}"#).seconds == "4")
        #expect(try decode(#"{"id":"v","status":"queued","seconds":4.5}"#).seconds == "4.5")
        #expect(try decode(#"{"id":"v","status":"queued","seconds":"12"}"#).seconds == "12")
    }

    @Test("progress given as a float is rounded down, as a numeric string is read")
    func floatProgress() throws {
        #expect(try decode(#"{"id":"v","status":"in_progress","progress":42.9}"#).progress == 42)
        #expect(try decode(#"{"id":"v","status":"in_progress","progress":"37"}"#).progress == 37)
        #expect(try decode(#"{"id":"v","status":"in_progress","progress":"lots"}"#).progress == nil)
    }

    @Test("extra fields from proxies are ignored")
    func extraFields() throws {
        let video = try decode(#"""
            {"id":"task_1","task_id":"task_1","status":"succeeded","video_url":"https://cdn.example/v.mp4","quality":"hd","progress":100,"extra":{"nested":[1,2,{"x":null}]}}
            """#)
        #expect(video.id == "task_1")
        #expect(video.phase == .completed)
        #expect(video.progress == 100)
    }

    @Test("each gateway's file URL field is found: video_url, urls[0], unsigned_urls[0], outputs.video_url")
    func fileURLFields() throws {
        #expect(try decode(#"{"id":"v","status":"completed","video_url":"https://cdn.example/c.mp4"}"#).fileURL == "https://cdn.example/c.mp4")
        #expect(try decode(#"{"id":"job-1","status":"completed","urls":["https://or.example/s.mp4?sig=1"],"unsigned_urls":["https://or.example/u"]}"#).fileURL == "https://or.example/s.mp4?sig=1")
        #expect(try decode(#"{"id":"job-1","status":"completed","urls":[],"unsigned_urls":["https://or.example/u"]}"#).fileURL == "https://or.example/u")
        #expect(try decode(#"{"id":"t","status":"completed","outputs":{"video_url":"http://together.example/t.mp4"}}"#).fileURL == "http://together.example/t.mp4")
        #expect(try decode(#"{"id":"v","status":"completed","video_url":"ftp://x/y"}"#).fileURL == nil)
        #expect(try decode(#"{"id":"v","status":"completed","video_url":null,"urls":null}"#).fileURL == nil)
    }

    @Test("a body with only id and status decodes with every other field nil")
    func minimalBody() throws {
        #expect(try decode(#"{"id":"v","status":"queued"}"#) == Video(id: "v", status: "queued"))
    }

    @Test("optional fields of the wrong type become nil instead of failing")
    func wrongTypes() throws {
        let video = try decode(#"""
            {"id":"v","status":"queued","object":7,"model":["sora-2"],"progress":true,"created_at":"yesterday","prompt":{"text":"x"},"size":1280,"seconds":null,"remixed_from_video_id":false,"error":42}
            """#)
        #expect(video == Video(id: "v", status: "queued"))
    }

    @Test("an error given as a plain string becomes the message")
    func stringError() throws {
        let video = try decode(#"{"id":"v","status":"error","error":"upstream provider timed out"}"#)
        #expect(video.phase == .failed)
        #expect(video.error == APIErrorInfo(message: "upstream provider timed out"))
        #expect(video.error?.summary == "upstream provider timed out")
    }

    @Test("an error object with an empty code keeps only the message")
    func emptyCodeError() throws {
        let video = try decode(#"{"id":"v","status":"failed","error":{"code":"","message":"generation failed"}}"#)
        #expect(video.error?.code == nil)
        #expect(video.error?.message == "generation failed")
    }

    @Test(
        "provider statuses map to phases",
        arguments: [
            ("queued", Phase.queued), ("pending", .queued), ("submitted", .queued), ("SUBMITTED", .queued),
            ("in_progress", .running), ("processing", .running), ("running", .running),
            ("completed", .completed), ("succeeded", .completed), ("success", .completed), (" Completed\n", .completed),
            ("failed", .failed), ("error", .failed), ("cancelled", .failed), ("Canceled", .failed), ("expired", .failed),
            ("succeed", .unknown), ("", .unknown), ("paused", .unknown),
        ])
    func statusPhases(status: String, phase: Phase) throws {
        #expect(Phase(providerStatus: status) == phase)
        #expect(try decode(#"{"id":"v","status":\#(String(reflecting: status))}"#).status == status)
    }

    @Test("terminal phases are completed, failed, abandoned and not_found")
    func terminalPhases() {
        #expect(Phase.allCases.filter(\.isTerminal) == [.completed, .failed, .abandoned, .notFound])
        #expect(Phase.notFound.rawValue == "not_found")
    }

    @Test("a body missing status, or with the wrong types for id or status, is malformed")
    func missingRequiredFields() {
        #expect(malformedReason(#"{"id":"v"}"#) == #"missing "status""#)
        #expect(malformedReason(#"{"status":"queued"}"#) == #"missing "id""#)
        #expect(malformedReason(#"{"id":12,"status":"queued"}"#) == #""id" is a number, not a string"#)
        #expect(malformedReason(#"{"id":"v","status":null}"#) == #""status" is null, not a string"#)
    }

    @Test("JSON that is not an object is malformed")
    func nonObjectJSON() {
        #expect(malformedReason(#"[{"id":"v","status":"queued"}]"#) == "expected a JSON object, found an array")
        #expect(malformedReason(#""queued""#) == "expected a JSON object, found a string")
        #expect(malformedReason("null") == "expected a JSON object, found null")
    }

    @Test("bodies that are not JSON say why in a few words")
    func notJSON() {
        #expect(malformedReason(#"{"id":"v","status":"que"#) == "unexpected end of data")
        #expect(malformedReason("") == "empty body")
        #expect(malformedReason(#"{"id":"v","status":"queued"} trailing"#) == "unexpected 't' after the JSON value at byte 29")
        #expect(malformedReason(#"{"id":"v",}"#) == "expected a quoted key but found '}' at byte 10")
        #expect(
            malformedReason("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
                == "HTML page instead of JSON (title: 502 Bad Gateway)")
    }

    @Test("escapes in strings are decoded, including surrogate pairs")
    func stringEscapes() throws {
        let video = try decode(#"{"id":"v","status":"queued","prompt":"a \"cat\"\n\u00e9\ud83c\udfac \/ done"}"#)
        #expect(video.prompt == "a \"cat\"\né🎬 / done")
    }

    @Test("Video decodes through JSONDecoder with the same lenient rules")
    func decodableConformance() throws {
        let body = #"{"id":"v","status":"processing","created_at":1773296991000,"seconds":8,"progress":12.5}"#
        let video = try JSONDecoder().decode(Video.self, from: Data(body.utf8))
        #expect(video == Video(id: "v", status: "processing", progress: 12, createdAt: 1_773_296_991, seconds: "8"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Video.self, from: Data(#"{"id":"v"}"#.utf8)) }
    }

    @Test("a list page whose item lacks a status is malformed and says which item")
    func badListItem() {
        #expect(throws: VideoAPIError.malformedBody(#"item 1 of "data": missing "status""#)) {
            try VideoPage.decode(from: Data(#"{"data":[{"id":"a","status":"queued"},{"id":"b"}],"has_more":true}"#.utf8))
        }
    }
}
