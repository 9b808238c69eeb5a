import Foundation
import Testing
import VideoAPI

@Suite("Video ids")
struct VideoIDTests {
    @Test(
        "well-formed ids are accepted",
        arguments: [
            "video_69b25d5f467c81908733a56bc236b4df", "task-1.2:3", "a", ".a", "a.b.c", "...", "a..b", "a/b", "%41", "a?b#c",
            "job-abc123", String(repeating: "x", count: 1024), LiteLLMID.wrapped,
        ])
    func accepted(raw: String) throws {
        let id = try VideoID(validating: raw)
        #expect(id.rawValue == raw)
        #expect(id.description == raw)
    }

    @Test(
        "malformed ids are refused",
        arguments: ["", String(repeating: "x", count: 1025), ".", "..", "a b", " a", "vidéo", "ｖｉｄｅｏ", "a\nb", "a\tb", "a\u{7F}b"])
    func refused(raw: String) {
        #expect(throws: VideoIDError.self) { try VideoID(validating: raw) }
    }

    @Test("refusals say what is wrong")
    func messages() {
        let rule = "an id is 1–1024 bytes of printable ASCII without spaces"
        #expect(message("ab c") == #""ab c": an id may not hold spaces ("# + rule + ")")
        #expect(message("") == "an empty id is not valid: " + rule)
        #expect(message(String(repeating: "x", count: 1025))?.hasSuffix("an id may be at most 1024 bytes (this one has 1025)") == true)
        #expect(message("..") == #""..": "." and ".." are not ids ("# + rule + ")")
        #expect(message("a\nb") == #""a\nb": an id may only hold printable ASCII characters ("# + rule + ")")
    }

    @Test("ids compare, hash and round-trip through JSON as plain strings")
    func codable() throws {
        let ids = try ["b", "a:1", "a"].map { try VideoID(validating: $0) }
        #expect(ids.sorted().map(\.rawValue) == ["a", "a:1", "b"])
        #expect(Set(ids + ids).count == 3)
        let data = try JSONEncoder().encode(ids)
        #expect(String(decoding: data, as: UTF8.self) == #"["b","a:1","a"]"#)
        #expect(try JSONDecoder().decode([VideoID].self, from: data) == ids)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([VideoID].self, from: Data(#"["a b"]"#.utf8)) }
    }

    @Test("a file name never leaves the folder, whatever the id holds, and two ids never share one")
    func fileNames() throws {
        let plain = try VideoID(validating: "video_69b2:1")
        #expect(ContentVariant.video.fileName(for: plain) == "video_69b2:1.mp4")
        #expect(ContentVariant.thumbnail.fileName(for: plain) == "video_69b2:1.webp")
        let hostile = ["../../etc/passwd", "..", "a/b", "a\\b", ".hidden", "%2e%2e%2f", LiteLLMID.wrapped, "~root", "a*b?c"]
        var names = Set<String>()
        for raw in hostile where raw != ".." {
            let name = ContentVariant.video.fileName(for: try VideoID(validating: raw))
            #expect(!name.contains("/") && !name.contains("\\") && !name.hasPrefix("."), "\(raw) → \(name)")
            #expect(name.hasSuffix(".mp4") && name.utf8.count <= 100, "\(raw) → \(name)")
            names.insert(name)
        }
        #expect(names.count == hostile.count - 1)
        #expect(ContentVariant.video.fileName(for: try VideoID(validating: "a/b")) != ContentVariant.video.fileName(for: try VideoID(validating: "a+b")))
        #expect(ContentVariant.video.fileName(for: try VideoID(validating: LiteLLMID.wrapped)).hasPrefix("video_bGl0ZWxsbT"))
    }

    private func message(_ raw: String) -> String? {
        do {
            _ = try VideoID(validating: raw)
            return nil
        } catch {
            return error.description
        }
    }
}

/// An id as the LiteLLM proxy (1.108.7) returns it: `video_` + base64 of its routing text, with `+`, `/` and `=`.
enum LiteLLMID {
    static let wrapped =
        "video_" + Data(
            "litellm:custom_llm_provider:openai;model_id:sora-2;video_id:video_69b25d5f467c8190?>;deployment_id:\(String(repeating: "ab12", count: 16))"
                .utf8
        ).base64EncodedString()
}
