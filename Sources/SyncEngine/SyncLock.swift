import Foundation

/// Why the sync lock could not be taken.
public enum SyncLockError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Another sync or watch holds the lock.
    case held(lockPath: String)
    /// The lock file could not be created or opened.
    case cannotCreate(lockPath: String, reason: String)

    public var description: String {
        switch self {
        case .held(let path):
            return "another soratrack sync or watch is running on this database (lock \(path)); this run did nothing"
        case .cannotCreate(let path, let reason):
            return "cannot create the lock file \(path): \(reason): check the folder's permissions, or pass another --db"
        }
    }
}

/// An exclusive `flock` on `<database>.lock`, held while a sync or watch runs; released on deinit or exit.
public final class SyncLock: Sendable {
    /// The lock file beside the database.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock without waiting; throws `.held` when another process has it.
    public init(databasePath: String) throws(SyncLockError) {
        path = databasePath + ".lock"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotCreate(lockPath: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .held(lockPath: path) }
            throw .cannotCreate(lockPath: path, reason: String(cString: strerror(code)))
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
