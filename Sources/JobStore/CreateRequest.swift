import VideoModel

/// What a create or remix asked for, as stored beside its outcome in `create_attempt`.
public struct CreateRequest: Sendable, Equatable {
    /// `create` or `remix`.
    public enum Kind: String, Sendable {
        case create, remix
    }

    public var kind: Kind
    public var prompt: String
    public var model: String?
    public var seconds: String?
    public var size: String?
    /// The file name of the input reference sent, and its size.
    public var inputReference: String?
    public var inputBytes: Int?
    /// The video a remix started from.
    public var sourceVideoID: VideoID?

    /// The request of a create: what was asked for, and the file name and size of an input reference.
    public init(
        prompt: String, model: String?, seconds: String?, size: String?, inputReference: String?, inputBytes: Int?
    ) {
        kind = .create
        self.prompt = prompt
        self.model = model
        self.seconds = seconds
        self.size = size
        self.inputReference = inputReference
        self.inputBytes = inputBytes
    }

    /// The request of a remix of `source`.
    public init(remixOf source: VideoID, prompt: String) {
        kind = .remix
        self.prompt = prompt
        sourceVideoID = source
    }
}
