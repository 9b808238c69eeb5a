import Foundation
import Synchronization
import VideoAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A downloaded file that appears at its path only when complete: the bytes go to a hidden temporary file in the
/// same folder (`.NAME.soratrack-PID-RANDOM.tmp`, created exclusively, mode 0644 less the umask), which is synced
/// and renamed into place on commit, and removed on discard, on SIGINT/SIGTERM (``removeUnfinished()``) or by the
/// next download run into the same folder after a `kill -9` (``removeStaleTemporaryFiles(folder:)``).
public final class DownloadFile: ContentWriter {
    /// Where the file appears.
    public let path: String
    /// The hidden file written first.
    public let temporaryPath: String
    private var descriptor: Int32

    /// Temporary files being written by this process, for ``removeUnfinished()``.
    private static let unfinished = Mutex<Set<String>>([])

    /// Creates the temporary file (exclusively) for `name` in `folder`.
    public init(folder: String, name: String) throws(DownloadError) {
        path = folder + "/" + name
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let temporary = folder + "/" + Self.temporaryPrefix(name) + "\(getpid())-\(random).tmp"
        temporaryPath = temporary
        // Registered before it exists, so a signal arriving between the two still removes it.
        Self.unfinished.withLock { _ = $0.insert(temporary) }
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            Self.unfinished.withLock { _ = $0.remove(temporary) }
            throw .cannotWrite(path: folder + "/" + name, reason: reason)
        }
    }

    deinit { discard() }

    /// Appends `chunk`.
    public func write(_ chunk: Data) throws {
        guard descriptor >= 0 else { throw DownloadError.cannotWrite(path: path, reason: "the file was already closed") }
        try chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw DownloadError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }

    /// Syncs the bytes to disk and renames the file into place; returns its path.
    public func commit() throws -> String {
        guard descriptor >= 0 else { throw DownloadError.cannotWrite(path: path, reason: "the file was already closed") }
        if fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw DownloadError.cannotWrite(path: path, reason: reason)
        }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            Self.unfinished.withLock { _ = $0.remove(temporaryPath) }
            throw DownloadError.cannotWrite(path: path, reason: reason)
        }
        Self.unfinished.withLock { _ = $0.remove(temporaryPath) }
        // Make the rename itself durable.
        let folder = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return path
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

    static func temporaryPrefix(_ name: String) -> String { "." + name + ".soratrack-" }

    /// Removes the `.NAME.soratrack-PID-….tmp` files in `folder` whose process is gone (killed mid-download).
    public static func removeStaleTemporaryFiles(folder: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(".") && entry.hasSuffix(".tmp") {
            guard let marker = entry.range(of: ".soratrack-", options: .backwards) else { continue }
            let rest = entry[marker.upperBound...]
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder + "/" + entry) }
        }
    }
}

/// `write(2)`, out of reach of the method of the same name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
