/// Why downloads could not be saved here, in words a user can act on (the API's answers are recorded, not thrown).
public enum DownloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The download folder could not be created or is not a writable folder.
    case cannotCreateFolder(path: String, reason: String)
    /// A file could not be written in the folder (disk full, permissions); nothing was left there.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateFolder(let path, let reason):
            return "cannot create the download folder \(path): \(reason): check its parent's permissions, or pass another folder"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason); nothing was left there: free some space or fix the folder's permissions, then run again"
        }
    }
}
