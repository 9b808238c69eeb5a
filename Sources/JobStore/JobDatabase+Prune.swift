import Foundation
import GRDB
import Migrations

extension JobDatabase {
    /// Removes the snapshots polled before `cutoff` that tell nothing new, then the bodies nothing references,
    /// in one transaction; with `dryRun`, only counts them and changes nothing.
    ///
    /// Of each job's timeline these snapshots always stay: the first, the last, the newest successful one (the
    /// job row mirrors it), every one whose status, HTTP status class (2xx, 4xx, none…) or poll-error presence
    /// differs from the snapshot before it, every one referenced by another table, and every one polled at or
    /// after `cutoff`. Job rows are never changed, so reports (which read them) give the same numbers after.
    public func prune(before cutoff: Date, dryRun: Bool) throws(StoreError) -> PruneResult {
        let cutoffMilliseconds = Timestamp.milliseconds(cutoff)
        if dryRun {
            return try read { db in
                try Self.measure(db, doomed: try Self.prunableSnapshots(db), arguments: [cutoffMilliseconds], cutoff: cutoffMilliseconds, dryRun: true)
            }
        }
        return try write { db in
            try db.execute(sql: "CREATE TEMP TABLE prune_doomed (id INTEGER PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO temp.prune_doomed " + (try Self.prunableSnapshots(db)), arguments: [cutoffMilliseconds])
            var result = try Self.measure(db, doomed: "SELECT id FROM temp.prune_doomed", arguments: [], cutoff: cutoffMilliseconds, dryRun: false)
            let freeBefore = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            try db.execute(sql: "DELETE FROM snapshot WHERE id IN (SELECT id FROM temp.prune_doomed)")
            let snapshots = db.changesCount
            try db.execute(sql: "DELETE FROM body WHERE id NOT IN (\(try Self.referencedBodies(db, excluding: nil)))")
            let bodies = db.changesCount
            try db.execute(sql: "DROP TABLE temp.prune_doomed")
            guard snapshots == result.snapshotsRemoved, bodies == result.bodiesRemoved else {
                throw StoreError.io(path: path, reason: "prune counted \(result.snapshotsRemoved) snapshots and \(result.bodiesRemoved) bodies but deleted \(snapshots) and \(bodies); nothing was changed")
            }
            let freeAfter = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            result.freedBytes = max(0, freeAfter - freeBefore) * pageSize
            return result
        }
    }

    /// What `prune(before:dryRun:)` would remove from the database at `path`, read through a read-only
    /// connection so that not one byte of the file changes (opening a `JobDatabase` writes to the file).
    ///
    /// A missing file, a file that is not SQLite and a newer schema are refused as `JobDatabase.init` refuses them.
    public static func prunePreview(path: String, before cutoff: Date) throws(StoreError) -> PruneResult {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot read the file (check its permissions)")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        let cutoffMilliseconds = Timestamp.milliseconds(cutoff)
        let nothing = PruneResult(
            cutoff: cutoffMilliseconds, dryRun: true, snapshotsBefore: 0, snapshotsRemoved: 0, bodiesRemoved: 0, bodyBytesRemoved: 0,
            freedBytes: nil)
        if header.isEmpty { return nothing }  // an empty file is an empty database
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw .notADatabase(path: path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let applied = try db.tableExists("grdb_migrations")
                    ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
                let known = Set(Migrations.all.map(\.name))
                if applied.contains(where: { !known.contains($0) }) {
                    throw StoreError.newerSchema(path: path, found: applied.map(schemaNumber).max() ?? 0, known: knownSchemaVersion)
                }
                guard try db.tableExists("snapshot") else { return nothing }
                return try measure(db, doomed: try prunableSnapshots(db), arguments: [cutoffMilliseconds], cutoff: cutoffMilliseconds, dryRun: true)
            }
        } catch {
            throw storeError(error, path: path)
        }
    }

    /// Folds the write-ahead log into the file, rebuilds the file without its free pages (`VACUUM`), and
    /// empties the log again so the file on disk shrinks now rather than at a later checkpoint.
    public func vacuum() throws(StoreError) {
        let pool = try writablePool()
        do {
            try pool.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try db.execute(sql: "VACUUM")
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// The ids of the snapshots a prune removes, as one SELECT whose only argument is the cut-off (unix ms).
    static func prunableSnapshots(_ db: Database) throws -> String {
        // The signature of a snapshot: raw status, HTTP status class (0: no response), whether it has a poll error.
        var sql = """
            SELECT id FROM (
                SELECT id, polled_at, signature, status,
                    lag(signature) OVER timeline AS previous,
                    row_number() OVER timeline AS position,
                    row_number() OVER (PARTITION BY job_id ORDER BY polled_at DESC, id DESC) AS from_end,
                    row_number() OVER (PARTITION BY job_id, status IS NULL ORDER BY polled_at DESC, id DESC) AS kind_from_end
                FROM (
                    SELECT id, job_id, polled_at, status,
                        coalesce(status, '') || char(31) || coalesce(http_status / 100, 0) || char(31) || (poll_error IS NOT NULL) AS signature
                    FROM snapshot
                )
                WINDOW timeline AS (PARTITION BY job_id ORDER BY polled_at, id)
            )
            WHERE polled_at < ? AND position > 1 AND from_end > 1 AND signature = previous
                AND NOT (status IS NOT NULL AND kind_from_end = 1)
            """
        for (table, column) in try references(to: "snapshot", db) {
            sql += "\n    AND id NOT IN (SELECT \(quoted(column)) FROM \(quoted(table)) WHERE \(quoted(column)) IS NOT NULL)"
        }
        return sql
    }

    /// Counts what removing the snapshots selected by `doomed` would remove, bodies included.
    private static func measure(
        _ db: Database, doomed: String, arguments: StatementArguments, cutoff: Int64, dryRun: Bool
    ) throws -> PruneResult {
        let unreferenced = "SELECT id, content FROM body WHERE id NOT IN (\(try referencedBodies(db, excluding: "SELECT id FROM doomed")))"
        let row = try Row.fetchOne(
            db,
            sql: """
                WITH doomed(id) AS (\(doomed)), orphan AS (\(unreferenced))
                SELECT (SELECT count(*) FROM snapshot), (SELECT count(*) FROM doomed),
                    (SELECT count(*) FROM orphan), (SELECT coalesce(sum(length(CAST(content AS BLOB))), 0) FROM orphan)
                """,
            arguments: arguments)
        return PruneResult(
            cutoff: cutoff, dryRun: dryRun, snapshotsBefore: row?[0] ?? 0, snapshotsRemoved: row?[1] ?? 0,
            bodiesRemoved: row?[2] ?? 0, bodyBytesRemoved: row?[3] ?? 0, freedBytes: nil)
    }

    /// A SELECT of every body id still referenced (by snapshots not in `excluding`, downloads, any other table).
    private static func referencedBodies(_ db: Database, excluding: String?) throws -> String {
        try references(to: "body", db).map { table, column in
            var select = "SELECT \(quoted(column)) FROM \(quoted(table)) WHERE \(quoted(column)) IS NOT NULL"
            if table == "snapshot", let excluding { select += " AND id NOT IN (\(excluding))" }
            return select
        }.joined(separator: " UNION ")
    }

    /// Every `(table, column)` with a foreign key to `target`, so later tables that keep bodies or snapshots
    /// alive are honoured without changing this code.
    private static func references(to target: String, _ db: Database) throws -> [(String, String)] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.name, f."from" FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
                WHERE m.type = 'table' AND f."table" = ? ORDER BY m.name, f."from"
                """,
            arguments: [target])
        let found = rows.map { ($0[0] as String, $0[1] as String) }
        // A body with no reference at all would otherwise make `NOT IN ()` invalid SQL.
        return target == "body" && found.isEmpty ? [("snapshot", "body_id")] : found
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What `prune` removed from the history or, in a dry run, would remove.
public struct PruneResult: Sendable, Equatable {
    /// Snapshots polled before this time (unix milliseconds) could go.
    public var cutoff: Int64
    /// True when nothing was changed.
    public var dryRun: Bool
    /// Snapshots in the database before the prune.
    public var snapshotsBefore: Int
    /// Snapshots removed (would be, in a dry run).
    public var snapshotsRemoved: Int
    /// Response bodies no longer referenced by any snapshot or download, removed.
    public var bodiesRemoved: Int
    /// Bytes of those bodies.
    public var bodyBytesRemoved: Int64
    /// Pages the deletes freed inside the file, in bytes (reused by later writes; nil in a dry run).
    public var freedBytes: Int64?

    /// A result with every value given.
    public init(
        cutoff: Int64, dryRun: Bool, snapshotsBefore: Int, snapshotsRemoved: Int, bodiesRemoved: Int,
        bodyBytesRemoved: Int64, freedBytes: Int64?
    ) {
        self.cutoff = cutoff
        self.dryRun = dryRun
        self.snapshotsBefore = snapshotsBefore
        self.snapshotsRemoved = snapshotsRemoved
        self.bodiesRemoved = bodiesRemoved
        self.bodyBytesRemoved = bodyBytesRemoved
        self.freedBytes = freedBytes
    }
}
