import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Records the start of a run of `command` and returns its id.
    public func startRun(command: String, at date: Date) throws(StoreError) -> Int64 {
        try write { db in
            try db.execute(
                sql: "INSERT INTO sync_run (command, started_at) VALUES (?, ?)",
                arguments: [command, Timestamp.milliseconds(date)])
            return db.lastInsertedRowID
        }
    }

    /// Records how a run ended.
    public func finishRun(_ id: Int64, counts: SyncRunCounts, exitCode: ExitStatus, at date: Date) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE sync_run SET finished_at = ?, jobs = ?, attempts = ?, responses = ?, completed = ?,
                        failed = ?, poll_errors = ?, exit_code = ?
                    WHERE id = ?
                    """,
                arguments: [
                    Timestamp.milliseconds(date), counts.jobs, counts.attempts, counts.responses, counts.completed,
                    counts.failed, counts.pollErrors, exitCode.rawValue, id,
                ])
        }
    }
}

/// What one run of sync, watch or track did, as stored in `sync_run`.
public struct SyncRunCounts: Sendable, Equatable {
    /// Jobs it set out to poll.
    public var jobs = 0
    /// Requests made, retries included.
    public var attempts = 0
    /// Attempts that got an HTTP response.
    public var responses = 0
    /// Jobs that became completed.
    public var completed = 0
    /// Jobs that became failed.
    public var failed = 0
    /// Jobs whose poll still failed after its retries.
    public var pollErrors = 0

    public init() {}
}
