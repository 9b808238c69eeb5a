import Foundation

/// A file that appears at its path only when complete: written to a hidden temporary file in the same
/// folder, synced, then renamed into place. A failed or killed write never leaves a partial file at the path.
///
/// The temporary file is `.NAME.soratrack-PID-RANDOM.tmp`; one left behind by a killed process is removed by
/// the next write to the same path. A new file gets mode 0600 (it holds the same history as the database);
/// a replaced file keeps its permissions.
public final class AtomicOutputFile {
    /// Where the file appears.
    public let path: String
    /// The hidden file written first.
    public let temporaryPath: String
    /// The bytes of the file go here.
    public let sink: OutputSink
    private var descriptor: Int32

    /// Creates the temporary file (exclusively) beside `path`, after removing stale ones of earlier killed runs.
    public init(path: String) throws(OutputFileError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .cannotCreate(path: path, reason: "it is a folder; name a file")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        Self.removeStaleTemporaryFiles(folder: folder, name: name)
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        temporaryPath = folder + "/" + Self.temporaryPrefix(name) + "\(getpid())-\(random).tmp"
        var existing = stat()
        let mode: mode_t = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o600
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        if mode != 0o600 { _ = fchmod(descriptor, mode) }
        sink = OutputSink(descriptor: descriptor)
    }

    deinit { discard() }

    /// Flushes, syncs to disk and renames the file into place.
    public func commit() throws(OutputFileError) {
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: "the file was already closed") }
        do {
            try sink.flush()
        } catch {
            discard()
            throw .cannotWrite(path: path, reason: error.description)
        }
        if fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw .cannotWrite(path: path, reason: reason)
        }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotCreate(path: path, reason: reason)
        }
        // Make the rename itself durable.
        let folder = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Closes and removes the temporary file; the path is left as it was.
    public func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }

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
    public static func write<T>(to path: String, _ body: (OutputSink) throws -> T) throws -> T {
        try AtomicOutputFile(path: path).write(body)
    }

    static func temporaryPrefix(_ name: String) -> String { "." + name + ".soratrack-" }

    /// Removes `.NAME.soratrack-PID-….tmp` files whose process is gone (killed mid-write).
    static func removeStaleTemporaryFiles(folder: String, name: String) {
        let prefix = temporaryPrefix(name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
            let rest = entry.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder + "/" + entry) }
        }
    }
}
