import Foundation
import SyncEngine

/// How a polling command ends badly after it recorded what it got.
enum SyncFailure: Error, CustomStringConvertible {
    /// The API answered 401/403.
    case rejectedKey(String)
    /// No request got any response.
    case unreachable(String)

    var description: String {
        switch self {
        case .rejectedKey(let answer):
            return "the API rejected the key (\(answer)); the run stopped: check --api-key-file or SORATRACK_API_KEY"
        case .unreachable(let reason):
            return "the API could not be reached (\(reason)); nothing was lost: check --base-url and the network"
        }
    }
}

extension SyncSummary {
    /// Prints the summary line (unless quiet) and returns the exit code; a rejected key or no response at all throws.
    func conclude(prefix: String, quiet: Bool) throws -> Int32 {
        if !quiet { print(prefix + line) }
        if let authFailure { throw SyncFailure.rejectedKey(authFailure) }
        if unreachable { throw SyncFailure.unreachable(firstError ?? "no response") }
        return exitCode
    }
}
