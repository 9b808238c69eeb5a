import Foundation
import GRDB
import VideoModel

extension JobDatabase {
    /// Starts tracking `ids` (one transaction); known ids are revived when they had ended locally.
    public func track(_ ids: [VideoID], label: String?, at date: Date) throws(StoreError) -> TrackResult {
        let now = Timestamp.milliseconds(date)
        return try write { db in
            var result = TrackResult()
            for id in ids {
                let row = try Row.fetchOne(
                    db, sql: "SELECT tracking, local_state, status FROM job WHERE video_id = ?", arguments: [id.rawValue])
                guard let row else {
                    try db.execute(
                        sql: "INSERT INTO job (video_id, label, first_seen_at, tracked_at) VALUES (?, ?, ?, ?)",
                        arguments: [id.rawValue, label, now, now])
                    result.added.append(id)
                    continue
                }
                let tracking: Bool = row["tracking"]
                let localState: String? = row["local_state"]
                if tracking && localState == nil {
                    if let label {
                        try db.execute(sql: "UPDATE job SET label = ? WHERE video_id = ?", arguments: [label, id.rawValue])
                    }
                    result.alreadyTracked.append(id)
                    continue
                }
                let phase = (row["status"] as String?).map(Phase.init(providerStatus:)) ?? .unknown
                try db.execute(
                    sql: """
                        UPDATE job SET tracking = 1, local_state = NULL, consecutive_404s = 0, phase = ?, terminal = ?,
                            tracked_at = ?, label = coalesce(?, label), next_poll_at = NULL
                        WHERE video_id = ?
                        """,
                    arguments: [phase.rawValue, phase.isTerminal, now, label, id.rawValue])
                result.revived.append(id)
            }
            return result
        }
    }

    /// Stops polling `ids`; their history is kept. When some ids are not in the database nothing
    /// changes and those ids are returned.
    public func untrack(_ ids: [VideoID]) throws(StoreError) -> [VideoID] {
        try write { db in
            let unknown = try ids.filter {
                try !Bool(exists: db, sql: "SELECT 1 FROM job WHERE video_id = ?", arguments: [$0.rawValue])
            }
            guard unknown.isEmpty else { return unknown }
            for id in ids {
                try db.execute(sql: "UPDATE job SET tracking = 0 WHERE video_id = ?", arguments: [id.rawValue])
            }
            return []
        }
    }

    /// Ends locally every open job still not finished `giveUpAfter` after its creation (and after it was last tracked).
    ///
    /// A job whose `created_at` is unknown is aged from when it was first seen. Returns the abandoned ids.
    public func abandonStale(now date: Date, giveUpAfter: Duration) throws(StoreError) -> [String] {
        let cutoff = Timestamp.milliseconds(date) - giveUpAfter.milliseconds
        return try write { db in
            try String.fetchAll(
                db,
                sql: """
                    UPDATE job SET local_state = 'abandoned', phase = 'abandoned', terminal = 1
                    WHERE tracking = 1 AND terminal = 0
                      AND coalesce(created_at * 1000, first_seen_at) <= ? AND tracked_at <= ?
                    RETURNING video_id
                    """,
                arguments: [cutoff, cutoff])
        }
    }

    /// The tracked jobs that are not finished, oldest first: what `sync` polls.
    public func openJobs() throws(StoreError) -> [OpenJob] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT video_id, next_poll_at FROM job WHERE tracking = 1 AND terminal = 0 ORDER BY id"
            ).compactMap { row in
                guard let id = try? VideoID(validating: row["video_id"]) else { return nil }
                return OpenJob(videoID: id, nextPollAt: (row["next_poll_at"] as Int64?).map { Timestamp.date(milliseconds: $0) })
            }
        }
    }
}

/// A job `sync` or `watch` should poll.
public struct OpenJob: Sendable, Equatable {
    public var videoID: VideoID
    /// The earliest time the provider asked to be polled again, if it said.
    public var nextPollAt: Date?

    /// Every stored value, as another store reads it.
    public init(videoID: VideoID, nextPollAt: Date?) {
        self.videoID = videoID
        self.nextPollAt = nextPollAt
    }
}

extension Duration {
    /// The duration in whole milliseconds (truncated), as both stores count it.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension Bool {
    /// True when `sql` returns at least one row.
    init(exists db: Database, sql: String, arguments: StatementArguments) throws {
        self = try Row.fetchOne(db, sql: sql, arguments: arguments) != nil
    }
}

/// What `track` did with each id of a batch.
public struct TrackResult: Sendable, Equatable {
    /// Ids seen for the first time.
    public var added: [VideoID] = []
    /// Ids that were untracked, abandoned or not found and are polled again.
    public var revived: [VideoID] = []
    /// Ids already being tracked (label updated when one was given).
    public var alreadyTracked: [VideoID] = []

    /// The ids that should be polled now: the new and the revived ones.
    public var toPoll: [VideoID] { added + revived }

    public init() {}
}
