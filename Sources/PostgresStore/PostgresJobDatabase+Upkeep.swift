import Foundation
import JobStore

extension PostgresJobDatabase {
    /// Numbers of rows in the main tables.
    public func counts() throws(StoreError) -> HistoryCounts {
        try read { session in
            let row = try session.one(JobDatabase.countsSQL)
            return HistoryCounts(
                jobs: row?.int(0) ?? 0, snapshots: row?.int(1) ?? 0, bodies: row?.int(2) ?? 0, runs: row?.int(3) ?? 0,
                downloads: row?.int(4) ?? 0, createAttempts: row?.int(5) ?? 0)
        }
    }

    /// Removes the snapshots before `cutoff` that tell nothing new, then unreferenced bodies (the rule of
    /// `JobDatabase.prune`, in PostgreSQL's dialect), in one transaction; with `dryRun`, only counts.
    public func prune(before cutoff: Date, dryRun: Bool) throws(StoreError) -> PruneResult {
        let cutoffMilliseconds = Timestamp.milliseconds(cutoff)
        let doomed = """
            SELECT id FROM (
                SELECT id, polled_at, signature, status,
                    lag(signature) OVER timeline AS previous,
                    row_number() OVER timeline AS position,
                    row_number() OVER (PARTITION BY job_id ORDER BY polled_at DESC, id DESC) AS from_end,
                    row_number() OVER (PARTITION BY job_id, status IS NULL ORDER BY polled_at DESC, id DESC) AS kind_from_end
                FROM (
                    SELECT id, job_id, polled_at, status,
                        coalesce(status, '') || chr(31) || coalesce(http_status / 100, 0) || chr(31) || (poll_error IS NOT NULL)::int AS signature
                    FROM snapshot
                ) AS signed
                WINDOW timeline AS (PARTITION BY job_id ORDER BY polled_at, id)
            ) AS ranked
            WHERE polled_at < $1 AND position > 1 AND from_end > 1 AND signature = previous
                AND NOT (status IS NOT NULL AND kind_from_end = 1)
            """
        func referenced(excluding: String?) -> String {
            let snapshots = "SELECT body_id FROM snapshot WHERE body_id IS NOT NULL" + (excluding.map { " AND id NOT IN (\($0))" } ?? "")
            return snapshots + " UNION SELECT body_id FROM download WHERE body_id IS NOT NULL"
                + " UNION SELECT body_id FROM create_attempt WHERE body_id IS NOT NULL"
        }
        func measure(_ session: PostgresSession, doomed: String, binds: [HistoryValue]) throws -> PruneResult {
            let row = try session.one(
                """
                WITH doomed(id) AS (\(doomed)),
                    orphan AS (SELECT id, content FROM body WHERE id NOT IN (\(referenced(excluding: "SELECT id FROM doomed"))))
                SELECT (SELECT count(*) FROM snapshot), (SELECT count(*) FROM doomed),
                    (SELECT count(*) FROM orphan), (SELECT coalesce(sum(octet_length(content)), 0)::bigint FROM orphan)
                """, binds)
            return PruneResult(
                cutoff: cutoffMilliseconds, dryRun: dryRun, snapshotsBefore: row?.int(0) ?? 0, snapshotsRemoved: row?.int(1) ?? 0,
                bodiesRemoved: row?.int(2) ?? 0, bodyBytesRemoved: row?.int64(3) ?? 0, freedBytes: nil)
        }
        if dryRun { return try read { session in try measure(session, doomed: doomed, binds: [.integer(cutoffMilliseconds)]) } }
        let location = location
        return try write { session in
            try session.query("CREATE TEMP TABLE prune_doomed ON COMMIT DROP AS " + doomed, [.integer(cutoffMilliseconds)])
            let result = try measure(session, doomed: "SELECT id FROM prune_doomed", binds: [])
            let snapshots = try session.query("DELETE FROM snapshot WHERE id IN (SELECT id FROM prune_doomed) RETURNING id").count
            let bodies = try session.query("DELETE FROM body WHERE id NOT IN (\(referenced(excluding: nil))) RETURNING id").count
            guard snapshots == result.snapshotsRemoved, bodies == result.bodiesRemoved else {
                throw StoreError.io(path: location, reason: "prune counted \(result.snapshotsRemoved) snapshots and \(result.bodiesRemoved) bodies but deleted \(snapshots) and \(bodies); nothing was changed")
            }
            return result
        }
    }

    /// `VACUUM (ANALYZE)` of soratrack's tables: the space of removed rows becomes reusable (PostgreSQL gives it back
    /// to the disk only with `VACUUM FULL`, which locks the tables; run that yourself in a quiet hour if needed).
    public func vacuum() throws(StoreError) {
        do {
            try session.script("VACUUM (ANALYZE) snapshot, body, job, download, create_attempt, sync_run, claim")
        } catch {
            throw storeFailure(error)
        }
    }

    /// Bytes soratrack's tables and their indexes take on the server.
    public func fileSize() -> Int64 {
        let tables = ["job", "body", "sync_run", "snapshot", "download", "create_attempt", "claim", "soratrack_migrations"]
        let sql = "SELECT (" + tables.map { "pg_total_relation_size('\($0)')" }.joined(separator: " + ") + ")::bigint"
        return (try? read { session in try session.one(sql)?.int64(0) }) ?? 0
    }

    /// Every row of `table` in id order, as plain values (`soratrack copy` reads a history through this).
    public func rows(of table: HistoryTable, _ body: ([HistoryValue]) throws -> Void) throws {
        let sql = "SELECT \(table.columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \(table.rawValue) ORDER BY id"
        do {
            try session.stream(sql) { row in try body((0..<row.cells.count).map(row.value)) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw storeFailure(error)
        }
    }

    /// Inserts the rows whose id is not there yet, in one transaction, then moves the table's id sequence past the
    /// highest id so that later inserts do not collide; returns how many rows were new.
    public func insertMissing(_ rows: [[HistoryValue]], into table: HistoryTable) throws(StoreError) -> Int {
        let columns = table.columns
        return try write { session in
            var inserted = 0
            // Up to 500 rows per statement: few round trips, far below the 65 535 parameters a statement may have.
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(rows.count, start + 500)]
                var binds: [HistoryValue] = []
                var tuples: [String] = []
                for row in chunk {
                    let first = binds.count + 1
                    binds += row
                    tuples.append("(" + (first..<first + row.count).map { "$\($0)" }.joined(separator: ", ") + ")")
                }
                inserted += try session.query(
                    """
                    INSERT INTO \(table.rawValue) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) OVERRIDING SYSTEM VALUE
                    VALUES \(tuples.joined(separator: ", ")) ON CONFLICT (id) DO NOTHING RETURNING id
                    """, binds
                ).count
                start += chunk.count
            }
            try session.query(
                "SELECT setval(pg_get_serial_sequence('\(table.rawValue)', 'id'), greatest((SELECT max(id) FROM \(table.rawValue)), 1))")
            return inserted
        }
    }
}
