import Foundation
import VideoModel

/// What `POST /videos` is asked to create: the fields of the official SDKs' multipart form.
public struct VideoCreateForm: Sendable, Equatable {
    /// The text prompt (1–32000 characters).
    public var prompt: String
    /// The model, e.g. `sora-2`; nil lets the provider choose its default.
    public var model: String?
    /// The clip length in seconds as text, e.g. `"8"`; nil for the provider's default.
    public var seconds: String?
    /// The resolution as `WIDTHxHEIGHT`, e.g. `1280x720`; nil for the provider's default.
    public var size: String?
    /// A local image or video sent as the `input_reference` file part.
    public var inputReference: InputReference?

    /// A form from its fields.
    public init(prompt: String, model: String? = nil, seconds: String? = nil, size: String? = nil, inputReference: InputReference? = nil) {
        self.prompt = prompt
        self.model = model
        self.seconds = seconds
        self.size = size
        self.inputReference = inputReference
    }

    /// The body in the SDKs' order: `prompt`, `model`, `seconds`, `size` (those given), then the `input_reference` file.
    ///
    /// The file is read once, in chunks, straight into a body sized for it up front.
    public func multipartBody(boundary: String = MultipartBody.randomBoundary()) throws(InputReferenceError) -> Data {
        let fields = [("prompt", prompt), ("model", model), ("seconds", seconds), ("size", size)]
            .compactMap { name, value in value.map { (name, $0) } }
        let sizing = MultipartBody(boundary: boundary)
        var capacity = sizing.closingBytes
        for (name, value) in fields {
            capacity += sizing.headBytes(name: name, filename: nil, contentType: nil) + value.utf8.count + 2
        }
        if let reference = inputReference {
            capacity += sizing.headBytes(name: "input_reference", filename: reference.filename, contentType: reference.contentType)
                + reference.byteCount
        }
        var body = MultipartBody(boundary: boundary, capacity: capacity)
        for (name, value) in fields { body.appendField(name, value) }
        if let reference = inputReference {
            let handle = try reference.open()
            defer { try? handle.close() }
            let read = try body.appendFile(
                "input_reference", filename: reference.filename, contentType: reference.contentType,
                from: handle, path: reference.path, maxBytes: InputReference.maxBytes)
            if read == 0 { throw .empty(path: reference.path) }
        }
        return body.finish()
    }
}
