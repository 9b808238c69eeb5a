import Foundation
import Testing
import VideoAPI

@Suite("Video ids")
struct VideoIDTests {
    @Test(
        "well-formed ids are accepted",
        arguments: ["video_69b25d5f467c81908733a56bc236b4df", "task-1.2:3", "a", ".a", "a.b.c", String(repeating: "x", count: 128)])
    func accepted(raw: String) throws {
        let id = try VideoID(validating: raw)
        #expect(id.rawValue == raw)
        #expect(id.description == raw)
    }

    @Test(
        "malformed ids are refused",
        arguments: ["", String(repeating: "x", count: 129), "a/b", ".", "..", "...", "a..b", "%41", "a b", "vidéo", "ｖｉｄｅｏ", "a\nb", "a?b"])
    func refused(raw: String) {
        #expect(throws: VideoIDError.self) { try VideoID(validating: raw) }
    }

    @Test("refusals say what is wrong")
    func messages() {
        #expect(message("ab/c") == #""ab/c": an id may only hold letters, digits, _ - . : (1–128 characters)"#)
        #expect(message("") == "an empty id is not valid: an id is 1–128 letters, digits, _ - . :")
        #expect(message(String(repeating: "x", count: 129))?.hasSuffix("an id may be at most 128 characters (this one has 129)") == true)
        #expect(message("a..b") == #""a..b": an id may not be made only of dots or contain "..""#)
        #expect(message("a\nb") == #""a\nb": an id may only hold letters, digits, _ - . : (1–128 characters)"#)
    }

    @Test("ids compare, hash and round-trip through JSON as plain strings")
    func codable() throws {
        let ids = try ["b", "a:1", "a"].map { try VideoID(validating: $0) }
        #expect(ids.sorted().map(\.rawValue) == ["a", "a:1", "b"])
        #expect(Set(ids + ids).count == 3)
        let data = try JSONEncoder().encode(ids)
        #expect(String(decoding: data, as: UTF8.self) == #"["b","a:1","a"]"#)
        #expect(try JSONDecoder().decode([VideoID].self, from: data) == ids)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([VideoID].self, from: Data(#"["a/b"]"#.utf8)) }
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
