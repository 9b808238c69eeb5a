import AtomicFile
import Foundation

/// An output file (`export --output`, `metrics --output`) written through ``AtomicFile``: it appears at its path
/// only when complete, with the bytes written through an ``OutputSink``.
///
/// A new file gets mode 0600 (it holds the same history as the database); a replaced file keeps its permissions.
/// A temporary file left behind by a killed process is removed by the next write to the same path.
public final class AtomicOutputFile {
    /// Where the file appears.
    public var path: String { file.path }
    /// The hidden file written first.
    public var temporaryPath: String { file.temporaryPath }
    /// The bytes of the file go here.
    public let sink: OutputSink
    private let file: AtomicFile

    /// Creates the temporary file (exclusively) beside `path`, after removing stale ones of earlier killed runs; a new
    /// file gets `newFileMode` less the umask, except the default 0600, which is exact.
    public init(path: String, newFileMode: mode_t = 0o600) throws(OutputFileError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .cannotCreate(path: path, reason: "it is a folder; name a file")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        AtomicFile.removeStaleTemporaryFiles(folder: folder, name: url.lastPathComponent)
        var existing = stat()
        let replaced = stat(path, &existing) == 0
        do {
            file = try AtomicFile(path: path, mode: newFileMode)
        } catch {
            throw Self.failure(error, path: path)
        }
        if replaced { file.setMode(existing.st_mode & 0o7777) } else if newFileMode == 0o600 { file.setMode(0o600) }
        sink = OutputSink(descriptor: file.descriptor)
    }

    /// Sets the permission bits of the file (for a new file readable by others).
    public func setMode(_ mode: mode_t) { file.setMode(mode) }

    /// Flushes, syncs to disk and renames the file into place.
    public func commit() throws(OutputFileError) {
        do {
            try sink.flush()
        } catch {
            discard()
            throw .cannotWrite(path: path, reason: error.description)
        }
        do {
            try file.commit()
        } catch {
            throw Self.failure(error, path: path)
        }
    }

    /// Closes and removes the temporary file; the path is left as it was.
    public func discard() { file.discard() }

    /// Runs `body` on the file's sink, then commits; on any error discards the file and rethrows
    /// (a write failure as ``OutputFileError/cannotWrite(path:reason:)``).
    public func write<T>(_ body: (OutputSink) throws -> T) throws -> T {
        let result: T
        do {
            result = try body(sink)
        } catch let error as OutputError {
            discard()
            throw OutputFileError.cannotWrite(path: path, reason: error.description)
        } catch {
            discard()
            throw error
        }
        try commit()
        return result
    }

    /// Creates the file at `path`, runs `body` on its sink and commits (see ``write(_:)``).
    public static func write<T>(to path: String, newFileMode: mode_t = 0o600, _ body: (OutputSink) throws -> T) throws -> T {
        try AtomicOutputFile(path: path, newFileMode: newFileMode).write(body)
    }

    private static func failure(_ error: AtomicFile.Failure, path: String) -> OutputFileError {
        switch error {
        case .cannotCreate(let reason): .cannotCreate(path: path, reason: reason)
        case .cannotWrite(let reason): .cannotWrite(path: path, reason: reason)
        }
    }
}

/// Why an output file (`export --output PATH`) could not be written; the file at PATH is always left as it was.
public enum OutputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or its temporary file beside it, could not be created (missing folder, permissions).
    case cannotCreate(path: String, reason: String)
    /// Writing or saving it failed part-way (disk full, I/O error).
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "cannot create the output file \(path): \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write the output file \(path): \(reason); nothing was saved there and the file was left as it was"
        }
    }
}
