import Foundation
import VideoModel

/// A local image or video sent as the `input_reference` file of a create: where it is, the file name and content type
/// sent, and its size when it was checked.
public struct InputReference: Sendable, Equatable {
    /// The largest file sent (the API takes reference images of a few MB; a 20 MB data URL is its JSON limit).
    public static let maxBytes = 50 << 20
    /// Content types by lowercased file extension, as the SDKs guess them.
    public static let contentTypes: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "mp4": "video/mp4",
    ]

    /// The path as given.
    public var path: String
    /// The name sent in the part's `filename` (the last path component, as the SDKs send it).
    public var filename: String
    /// The content type guessed from the extension.
    public var contentType: String
    /// The size of the file when it was checked.
    public var byteCount: Int

    /// Checks that `path` is a readable, non-empty regular file of a known type and at most `maxBytes`, without
    /// reading its contents.
    public init(path: String) throws(InputReferenceError) {
        let url = URL(fileURLWithPath: path)
        guard let type = Self.contentTypes[url.pathExtension.lowercased()] else { throw .unsupportedType(path: path) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0 else { throw .empty(path: path) }
        guard size <= Self.maxBytes else { throw .tooLarge(path: path, bytes: size, limit: Self.maxBytes) }
        self.path = path
        filename = url.lastPathComponent
        contentType = type
        byteCount = size
    }

    /// Opens the file for reading, or says why it cannot.
    func open() throws(InputReferenceError) -> FileHandle {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        return handle
    }
}

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
