import Dispatch
import JobStore
import Synchronization
import VideoAPI

/// Commits poll attempts in groups: attempts that arrive while a commit is running are written
/// together in the next transaction. Each caller resumes only after its own attempt is committed,
/// so nothing is reported as recorded before it is on disk, and a crash loses at most the attempts
/// still waiting (answers whose callers had not been told "recorded").
///
/// The commits run on a thread of their own, never on Swift's cooperative pool: a write may block on SQLite's busy
/// timeout while another process holds the write lock, and that must not stall the tasks polling the API.
final class SnapshotWriter: Sendable {
    private typealias Waiter = (attempt: PollAttempt, continuation: CheckedContinuation<RecordedPoll, any Error>)

    private struct State {
        var waiting: [Waiter] = []
        var writing = false
    }

    private let database: any HistoryStore
    private let runID: Int64?
    private let state = Mutex(State())
    private let writer = DispatchQueue(label: "soratrack.snapshot-writer", qos: .userInitiated)

    init(database: any HistoryStore, runID: Int64?) {
        self.database = database
        self.runID = runID
    }

    /// Records `attempt` (in the next group commit) and returns once it is committed.
    func record(_ attempt: PollAttempt) async throws -> RecordedPoll {
        try await withCheckedThrowingContinuation { continuation in
            let mustWrite = state.withLock { state in
                state.waiting.append((attempt, continuation))
                if state.writing { return false }
                state.writing = true
                return true
            }
            // The first caller to find no commit running writes until the queue is empty; the others wait.
            if mustWrite { writer.async { self.writeUntilEmpty() } }
        }
    }

    private func writeUntilEmpty() {
        while true {
            let group = state.withLock { state -> [Waiter] in
                let group = state.waiting
                state.waiting = []
                if group.isEmpty { state.writing = false }
                return group
            }
            if group.isEmpty { return }
            commit(group)
        }
    }

    /// One transaction for the group; if it fails, each attempt is tried alone so only the one at fault fails.
    private func commit(_ group: [Waiter]) {
        do {
            let recorded = try database.record(group.map(\.attempt), runID: runID)
            for (waiter, result) in zip(group, recorded) { waiter.continuation.resume(returning: result) }
        } catch {
            guard group.count > 1 else {
                group[0].continuation.resume(throwing: error)
                return
            }
            for waiter in group {
                do {
                    waiter.continuation.resume(returning: try database.record(waiter.attempt, runID: runID))
                } catch {
                    waiter.continuation.resume(throwing: error)
                }
            }
        }
    }
}
