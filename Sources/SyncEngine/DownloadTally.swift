import Synchronization
import VideoAPI

/// The counters of one download run, shared by its tasks.
final class DownloadTally: Sendable {
    private struct State {
        var summary = DownloadSummary()
        var done = 0
        var failed = 0
        var total: Int
    }
    private let state: Mutex<State>

    init(total: Int) { state = Mutex(State(total: total)) }

    /// Whether another fetch may start: no rejected key, no local write failure, not cancelled.
    var mayLaunch: Bool {
        !Task.isCancelled && state.withLock { $0.summary.authFailure == nil && $0.summary.localFailure == nil }
    }

    var progress: SyncProgress { state.withLock { SyncProgress(done: $0.done, total: $0.total, errors: $0.failed) } }

    func add(_ attempt: DownloadAttempt, path: String) {
        state.withLock {
            $0.summary.attempts += 1
            if attempt.httpStatus != nil { $0.summary.responses += 1 }
            if attempt.isAuthFailure, $0.summary.authFailure == nil {
                $0.summary.authFailure = attempt.error ?? "HTTP \(attempt.httpStatus ?? 0)"
            }
            if attempt.isLocalFailure, $0.summary.localFailure == nil {
                $0.summary.localFailure = .cannotWrite(path: path, reason: attempt.error ?? "write failed")
            }
        }
    }

    func finish(ok: Bool) {
        state.withLock {
            $0.done += 1
            if !ok { $0.failed += 1 }
        }
    }

    func summary(named: Bool) -> DownloadSummary {
        state.withLock {
            var summary = $0.summary
            summary.named = named
            return summary
        }
    }
}
