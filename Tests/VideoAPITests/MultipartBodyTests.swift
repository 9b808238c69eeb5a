import Foundation
import Testing
import VideoAPI

@Suite("multipart create bodies")
struct MultipartBodyTests {
    static let boundary = "b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6"

    /// A file in a fresh temporary folder, removed by the caller.
    static func file(_ name: String, _ bytes: [UInt8]) throws -> (folder: String, path: String) {
        let folder = NSTemporaryDirectory() + "soratrack-multipart-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test("every field and the file, byte for byte as the official SDK (httpx) lays them out")
    func sdkLayout() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF]
        let (folder, path) = try Self.file("frame.PNG", png)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let form = VideoCreateForm(
            prompt: "A fox, \"quoted\"\r\nnext line", model: "sora-2-pro", seconds: "8", size: "1280x720",
            inputReference: try InputReference(path: path))
        let body = try form.multipartBody(boundary: Self.boundary)

        var expected = Data()
        expected.append(Data("--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\r\n".utf8))
        expected.append(Data("Content-Disposition: form-data; name=\"prompt\"\r\n\r\n".utf8))
        expected.append(Data("A fox, \"quoted\"\r\nnext line\r\n".utf8))
        expected.append(Data("--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\r\n".utf8))
        expected.append(Data("Content-Disposition: form-data; name=\"model\"\r\n\r\nsora-2-pro\r\n".utf8))
        expected.append(Data("--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\r\n".utf8))
        expected.append(Data("Content-Disposition: form-data; name=\"seconds\"\r\n\r\n8\r\n".utf8))
        expected.append(Data("--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\r\n".utf8))
        expected.append(Data("Content-Disposition: form-data; name=\"size\"\r\n\r\n1280x720\r\n".utf8))
        expected.append(Data("--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6\r\n".utf8))
        expected.append(Data("Content-Disposition: form-data; name=\"input_reference\"; filename=\"frame.PNG\"\r\n".utf8))
        expected.append(Data("Content-Type: image/png\r\n\r\n".utf8))
        expected.append(Data(png))
        expected.append(Data("\r\n--b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6--\r\n".utf8))
        #expect(body == expected)
    }

    @Test("fields not given are left out; the order stays prompt, model, seconds, size")
    func onlyGivenFields() throws {
        let body = try VideoCreateForm(prompt: "p", size: "720x1280").multipartBody(boundary: "x")
        let expected = "--x\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\np\r\n"
            + "--x\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n720x1280\r\n--x--\r\n"
        #expect(String(decoding: body, as: UTF8.self) == expected)
    }

    @Test("names and file names are escaped as HTML 5 forms do; values are sent as UTF-8, untouched")
    func escaping() {
        var body = MultipartBody(boundary: "B")
        body.appendFile("input_reference", filename: "a\"b\\c\nd\u{1B}é.png", contentType: "image/png", data: Data([1]))
        body.appendField("prompt", "naïve \"x\" \\ y")
        let text = String(decoding: body.finish(), as: UTF8.self)
        #expect(text.contains("filename=\"a%22b\\\\c%0Ad\u{1B}é.png\"\r\n"))
        #expect(text.contains("name=\"prompt\"\r\n\r\nnaïve \"x\" \\ y\r\n"))
        #expect(text.hasSuffix("--B--\r\n"))
    }

    @Test("finishing twice closes the body once")
    func finishOnce() {
        var body = MultipartBody(boundary: "B")
        body.appendField("prompt", "p")
        #expect(body.finish() == body.finish())
        #expect(String(decoding: body.finish(), as: UTF8.self).components(separatedBy: "--B--").count == 2)
    }

    @Test("a random boundary is 32 lowercase hex digits, new each time, and named in the content type")
    func randomBoundary() {
        let first = MultipartBody.randomBoundary()
        #expect(first.count == 32 && first.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(MultipartBody.randomBoundary() != first)
        #expect(MultipartBody(boundary: first).contentType == "multipart/form-data; boundary=\(first)")
    }

    @Test("content types come from the extension, whatever its case")
    func contentTypes() throws {
        for (name, type) in [("a.jpg", "image/jpeg"), ("a.JPEG", "image/jpeg"), ("a.png", "image/png"), ("a.webp", "image/webp"), ("clip.Mp4", "video/mp4")] {
            let (folder, path) = try Self.file(name, [1, 2, 3])
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let reference = try InputReference(path: path)
            #expect(reference.contentType == type, "\(name)")
            #expect(reference.filename == name)
            #expect(reference.byteCount == 3)
        }
    }

    @Test("a missing, empty, folder or unknown-type input reference is refused before anything is read")
    func refusedReferences() throws {
        let (folder, path) = try Self.file("empty.png", [])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: InputReferenceError.empty(path: path)) { try InputReference(path: path) }
        #expect(throws: InputReferenceError.unsupportedType(path: folder + "/notes.txt")) { try InputReference(path: folder + "/notes.txt") }
        do {
            _ = try InputReference(path: folder + "/missing.png")
            Issue.record("a missing file was accepted")
        } catch {
            guard case .unreadable(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("No such file"))
            #expect(error.description.hasPrefix("cannot read the input reference \(folder)/missing.png"))
        }
        try FileManager.default.createDirectory(atPath: folder + "/dir.png", withIntermediateDirectories: true)
        #expect(throws: InputReferenceError.unreadable(path: folder + "/dir.png", reason: "not a regular file")) {
            try InputReference(path: folder + "/dir.png")
        }
    }

    @Test("a file that grew past the limit while being read stops the body with tooLarge")
    func growsPastLimit() throws {
        let (folder, path) = try Self.file("big.png", Array(repeating: 7, count: 3000))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        var body = MultipartBody(boundary: "B")
        #expect(throws: InputReferenceError.tooLarge(path: path, bytes: 3000, limit: 1000)) {
            try body.appendFile("input_reference", filename: "big.png", contentType: "image/png", from: handle, path: path, maxBytes: 1000)
        }
    }

    @Test("a file larger than one read chunk arrives whole, in order")
    func multiChunkFile() throws {
        let bytes = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let (folder, path) = try Self.file("clip.mp4", bytes)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = try VideoCreateForm(prompt: "p", inputReference: InputReference(path: path)).multipartBody(boundary: "B")
        let head = Data("--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\np\r\n--B\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n".utf8)
        #expect(body.count == head.count + bytes.count + "\r\n--B--\r\n".utf8.count)
        #expect(body.prefix(head.count) == head)
        #expect(body.dropFirst(head.count).prefix(bytes.count) == Data(bytes))
    }
}
