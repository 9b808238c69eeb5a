import AtomicFile
import Foundation
import VideoAPI

/// A downloaded file written through ``AtomicFile``: it appears at its path only when complete, mode 0644 less the
/// umask. On SIGINT/SIGTERM ``removeUnfinished()`` removes the files in flight; after a `kill -9` the next download
/// run into the same folder removes them (``removeStaleTemporaryFiles(folder:)``).
public final class DownloadFile: DownloadWriter {
    private let file: AtomicFile

    /// Where the file appears.
    public var path: String { file.path }
    /// The hidden file written first.
    public var temporaryPath: String { file.temporaryPath }

    /// Creates the temporary file (exclusively) for `name` in `folder`.
    public init(folder: String, name: String) throws(DownloadError) {
        do {
            file = try AtomicFile(path: folder + "/" + name, mode: 0o644)
        } catch {
            throw Self.failure(error, path: folder + "/" + name)
        }
    }

    /// Appends `chunk`.
    public func write(_ chunk: Data) throws {
        let failure = chunk.withUnsafeBytes { buffer -> AtomicFile.Failure? in
            do throws(AtomicFile.Failure) {
                try file.write(buffer)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw Self.failure(failure, path: path) }
    }

    /// Syncs the bytes to disk and renames the file into place; returns its path.
    public func commit() throws -> String {
        do {
            try file.commit()
        } catch {
            throw Self.failure(error, path: path)
        }
        return path
    }

    /// Closes and removes the temporary file; the path is left as it was.
    public func discard() { file.discard() }

    /// Removes every temporary file this process is still writing (call from a SIGINT/SIGTERM handler, before exiting).
    public static func removeUnfinished() { AtomicFile.removeUnfinished() }

    /// Removes the `.NAME.soratrack-PID-….tmp` files in `folder` whose process is gone (killed mid-download).
    public static func removeStaleTemporaryFiles(folder: String) { AtomicFile.removeStaleTemporaryFiles(folder: folder) }

    private static func failure(_ error: AtomicFile.Failure, path: String) -> DownloadError {
        switch error {
        case .cannotCreate(let reason), .cannotWrite(let reason): .cannotWrite(path: path, reason: reason)
        }
    }
}

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
