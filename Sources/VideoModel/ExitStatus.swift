/// How a soratrack command ends (docs/operations.md, Exit codes): the one typed value that run summaries,
/// the `sync_run` rows and the command edge share. Only the executable turns it into a process exit code.
public enum ExitStatus: Int32, Sendable, Equatable, CaseIterable {
    /// Everything asked was done.
    case ok = 0
    /// Partial: some polls or downloads failed after their retries (everything that arrived was recorded), or the
    /// provider is failing.
    case partial = 1
    /// The command line was wrong.
    case usage = 64
    /// Bad input data: invalid ids, an unreadable input file, an unknown id, a create the provider refused.
    case dataError = 65
    /// The API could not be reached, or stopped answering.
    case unavailable = 69
    /// The database, its folder, the lock file or an output file cannot be created.
    case cannotCreate = 73
    /// A database or I/O error (not an SQLite file, corrupt, disk full).
    case ioError = 74
    /// Another `sync`/`watch`/`prune` holds the lock.
    case locked = 75
    /// The API key is missing or was rejected (401/403).
    case noPermission = 77
    /// A configuration error: a schema newer than this binary, a bad base URL or setting.
    case config = 78
    /// Stopped by SIGINT.
    case interrupted = 130
    /// Stopped by SIGTERM.
    case terminated = 143

    /// The status in a few words, as heartbeats report it.
    public var meaning: String {
        switch self {
        case .ok: "ok"
        case .partial: "some polls failed after their retries"
        case .usage: "usage error"
        case .dataError: "bad input data"
        case .unavailable: "the API could not be reached"
        case .cannotCreate: "cannot create the database or the lock file"
        case .ioError: "database or I/O error"
        case .locked: "another sync holds the lock"
        case .noPermission: "missing or rejected API key"
        case .config: "configuration error"
        case .interrupted: "interrupted"
        case .terminated: "terminated"
        }
    }
}

extension ExitStatus {
    /// The status of a run stopped by `signal`: interrupted for SIGINT (130), terminated for SIGTERM (143).
    public init(signal: Int32) {
        self = signal == 2 ? .interrupted : .terminated
    }
}
