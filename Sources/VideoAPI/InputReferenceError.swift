import VideoModel
/// Why a local `--input-reference` file cannot be sent, in words a user can act on.
public enum InputReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is missing, a folder, or cannot be read.
    case unreadable(path: String, reason: String)
    /// The extension names no type the API takes.
    case unsupportedType(path: String)
    /// The file is empty.
    case empty(path: String)
    /// The file is larger than soratrack sends.
    case tooLarge(path: String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the input reference \(path): \(reason); nothing was sent"
        case .unsupportedType(let path):
            let known = InputReference.contentTypes.keys.sorted().map { "." + $0 }.joined(separator: ", ")
            return "the input reference \(path) must be an image or video file named \(known); nothing was sent"
        case .empty(let path):
            return "the input reference \(path) is empty; nothing was sent"
        case .tooLarge(let path, let bytes, let limit):
            return "the input reference \(path) is \(bytes >> 20) MiB or more, larger than the \(limit >> 20) MiB soratrack sends; nothing was sent"
        }
    }
}
