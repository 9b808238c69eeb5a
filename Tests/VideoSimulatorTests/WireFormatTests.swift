import Foundation
import Testing
@testable import VideoSimulator

@Suite("Wire format building blocks")
struct WireFormatTests {
    @Test("the multipart parser reads quoted boundaries, text fields with line breaks, and file parts")
    func multipart() throws {
        let body = Array((
            "preamble\r\n--b0undary\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nline 1\r\nline 2\r\n"
            + "--b0undary\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"a.png\"\r\n"
            + "Content-Type: image/png\r\n\r\n\u{01}\u{02}--b0und\r\n--b0undary--\r\nepilogue"
        ).utf8)
        let form = try #require(MultipartForm(body: body, contentType: "multipart/form-data; boundary=\"b0undary\""))
        #expect(form.parts.count == 2)
        #expect(form.field("prompt")?.text == "line 1\r\nline 2")
        #expect(form.parts[1].filename == "a.png")
        #expect(form.parts[1].contentType == "image/png")
        #expect(form.parts[1].data == Array("\u{01}\u{02}--b0und".utf8))
        #expect(MultipartForm(body: body, contentType: "multipart/form-data") == nil)
        #expect(MultipartForm(body: Array("--b0undary\r\nno end".utf8), contentType: "multipart/form-data; boundary=b0undary") == nil)
    }

    @Test("the JSON writer escapes quotes, backslashes and control characters and keeps other text as UTF-8")
    func jsonEscaping() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} é 中 🎬"
        var json = JSONText()
        json.beginObject()
        json.field("text", text)
        json.field("none", nil as String?)
        json.field("number", Int64(-5))
        json.key("list")
        json.beginArray()
        json.bool(true)
        json.int(1)
        json.endArray()
        json.endObject()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == text)
        #expect(parsed["none"] is NSNull)
        #expect(parsed["number"] as? Int == -5)
        #expect(String(decoding: json.bytes, as: UTF8.self).contains("\\u0007"))
    }

    @Test("wrong keys are masked like the real API masks them")
    func keyMasking() {
        #expect(ErrorEnvelope.mask("sk-proj-abcdefghijklmnop") == "sk-*****************mnop")
        #expect(ErrorEnvelope.mask("short") == "*****")
    }

    @Test("latencies parse from ms, s, m and bare seconds")
    func latencyParsing() {
        #expect(SimulatorConfiguration.parseLatency("200ms") == .milliseconds(200))
        #expect(SimulatorConfiguration.parseLatency("1s") == .seconds(1))
        #expect(SimulatorConfiguration.parseLatency("1.5s") == .milliseconds(1500))
        #expect(SimulatorConfiguration.parseLatency("2m") == .seconds(120))
        #expect(SimulatorConfiguration.parseLatency("0.25") == .milliseconds(250))
        #expect(SimulatorConfiguration.parseLatency("-1s") == nil)
        #expect(SimulatorConfiguration.parseLatency("fast") == nil)
    }

    @Test("seeded ids differ per index and repeat per seed")
    func seededIDs() {
        var first = SeededRandom(seed: 1, stream: .videoID, index: 0)
        var again = SeededRandom(seed: 1, stream: .videoID, index: 0)
        var next = SeededRandom(seed: 1, stream: .videoID, index: 1)
        let id = first.hex(bytes: 16)
        #expect(id.count == 32)
        #expect(id == again.hex(bytes: 16))
        #expect(id != next.hex(bytes: 16))
    }
}
