import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that appears at its path only when complete: written to a hidden temporary file in the same folder
/// (`.NAME.soratrack-PID-RANDOM.tmp`, created exclusively), synced, then renamed into place, and the rename synced.
/// A failed or killed write never leaves a partial file at the path: ``discard()`` removes the temporary file,
/// ``removeUnfinished()`` (from a SIGINT/SIGTERM handler) removes every one this process is writing, and
/// ``removeStaleTemporaryFiles(folder:name:)`` removes those of a process killed with SIGKILL.
///
/// The one implementation behind exports, metrics files and downloads.
public final class AtomicFile {
    /// Why a file could not be written.
    public enum Failure: Error, Sendable, Equatable {
        /// The temporary file could not be created, or not renamed into place.
        case cannotCreate(reason: String)
        /// Writing or syncing the bytes failed.
        case cannotWrite(reason: String)
    }

    /// Where the file appears.
    public let path: String
    /// The hidden file written first.
    public let temporaryPath: String
    /// The temporary file's descriptor while it is open; -1 once committed or discarded.
    public private(set) var descriptor: Int32

    /// Temporary files being written by this process, for ``removeUnfinished()``.
    private static let unfinished = Mutex<Set<String>>([])

    /// Creates the temporary file for `path` exclusively, with `mode` less the umask.
    public init(path: String, mode: mode_t) throws(Failure) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let temporary = folder + "/" + Self.temporaryPrefix(url.lastPathComponent) + "\(getpid())-\(random).tmp"
        temporaryPath = temporary
        // Registered before it exists, so a signal arriving between the two still removes it.
        Self.unfinished.withLock { _ = $0.insert(temporary) }
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let reason = Self.lastError()
            Self.unfinished.withLock { _ = $0.remove(temporary) }
            throw .cannotCreate(reason: reason)
        }
    }

    deinit { discard() }

    /// Sets the file's permission bits exactly (no umask).
    public func setMode(_ mode: mode_t) {
        if descriptor >= 0 { _ = fchmod(descriptor, mode) }
    }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        guard descriptor >= 0 else { throw .cannotWrite(reason: "the file was already closed") }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(reason: Self.lastError())
            }
            offset += written
        }
    }

    /// Syncs the bytes to disk and renames the file into place; on failure the temporary file is removed.
    public func commit() throws(Failure) {
        guard descriptor >= 0 else { throw .cannotWrite(reason: "the file was already closed") }
        if fsync(descriptor) != 0 {
            let reason = Self.lastError()
            discard()
            throw .cannotWrite(reason: reason)
        }
        close(descriptor)
        descriptor = -1
        defer { Self.unfinished.withLock { _ = $0.remove(temporaryPath) } }
        guard rename(temporaryPath, path) == 0 else {
            let reason = Self.lastError()
            unlink(temporaryPath)
            throw .cannotCreate(reason: reason)
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
        Self.unfinished.withLock { _ = $0.remove(temporaryPath) }
    }

    /// Removes every temporary file this process is still writing (call from a SIGINT/SIGTERM handler, before exiting).
    public static func removeUnfinished() {
        for path in unfinished.withLock({ $0 }) { unlink(path) }
    }

    /// Removes the `.NAME.soratrack-PID-….tmp` files in `folder` (those for `name` only, when given) whose process is
    /// gone (killed mid-write).
    public static func removeStaleTemporaryFiles(folder: String, name: String? = nil) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(name.map(temporaryPrefix) ?? ".") && entry.hasSuffix(".tmp") {
            guard let marker = entry.range(of: ".soratrack-", options: .backwards) else { continue }
            let rest = entry[marker.upperBound...]
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder + "/" + entry) }
        }
    }

    static func temporaryPrefix(_ name: String) -> String { "." + name + ".soratrack-" }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// `write(2)`, out of reach of the method of the same name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
