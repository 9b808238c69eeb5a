import Foundation
import JobStore
import VideoModel

extension PostgresJobDatabase {
    /// Claims up to `request.limit` due jobs for `request.holder`: the due rows are locked with `FOR UPDATE SKIP
    /// LOCKED`, so runners claiming at the same moment pick different jobs without waiting for each other, and a claim
    /// row is only taken over once it has lapsed (`ON CONFLICT … WHERE expires_at <= now`), so a job never has two
    /// live holders. Also says how many due jobs other runners hold and when the first of those claims lapses.
    public func claimJobs(_ request: ClaimRequest) throws(StoreError) -> ClaimBatch {
        try write { session in
            var binds: [HistoryValue] = [.text(request.purpose.name), .integer(request.now), .text(request.holder)]
            let due = Self.dueJobs(request, binds: &binds)
            binds.append(.integer(Int64(request.limit)))
            let limit = binds.count
            binds.append(.integer(request.until))
            let until = binds.count
            let claimed = try session.query(
                """
                WITH due AS (
                    SELECT job.id, job.video_id FROM job
                    LEFT JOIN claim ON claim.job_id = job.id AND claim.purpose = $1
                    WHERE \(due) AND (claim.job_id IS NULL OR claim.expires_at <= $2)
                    ORDER BY job.id LIMIT $\(limit)
                    FOR UPDATE OF job SKIP LOCKED
                ), taken AS (
                    INSERT INTO claim (job_id, purpose, holder, claimed_at, expires_at)
                    SELECT id, $1, $3, $2, $\(until) FROM due
                    ON CONFLICT (job_id, purpose) DO UPDATE SET holder = excluded.holder,
                        claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
                        WHERE claim.expires_at <= excluded.claimed_at
                    RETURNING job_id
                )
                SELECT due.video_id FROM due JOIN taken ON taken.job_id = due.id ORDER BY due.id
                """, binds)
            var heldBinds: [HistoryValue] = [.text(request.purpose.name), .integer(request.now), .text(request.holder)]
            let heldDue = Self.dueJobs(request, binds: &heldBinds)
            let held = try session.one(
                """
                SELECT count(*) FILTER (WHERE claim.expires_at > $2 AND claim.holder <> $3),
                    min(claim.expires_at) FILTER (WHERE claim.expires_at > $2 AND claim.holder <> $3),
                    count(*) FILTER (WHERE claim.job_id IS NULL OR claim.expires_at <= $2)
                FROM job LEFT JOIN claim ON claim.job_id = job.id AND claim.purpose = $1
                WHERE \(heldDue)
                """, heldBinds)
            return ClaimBatch(
                jobs: claimed.compactMap { $0.text(0).flatMap { try? VideoID(validating: $0) } },
                heldElsewhere: held?.int(0) ?? 0, nextExpiry: held?.int64(1), unclaimed: held?.int(2) ?? 0)
        }
    }

    /// Drops every claim of `holder` (the end of its run).
    public func releaseClaims(holder: String) throws(StoreError) {
        try write { session in try session.query("DELETE FROM claim WHERE holder = $1", [.text(holder)]) }
    }

    /// `job.video_id IN ($n, …)` over `ids`, appended to `binds`.
    static func candidateList(_ ids: [VideoID], binds: inout [HistoryValue]) -> String {
        let first = binds.count + 1
        binds += ids.map { .text($0.rawValue) }
        return "job.video_id IN (\((first..<first + ids.count).map { "$\($0)" }.joined(separator: ", ")))"
    }

    /// `sql` with its `?` placeholders numbered `$first`, `$first + 1`, ….
    static func numbered(_ sql: String, from first: Int) -> String {
        var number = first
        var result = ""
        for character in sql {
            if character == "?" {
                result += "$\(number)"
                number += 1
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The condition on `job` of a due job, its parameters appended to `binds`.
    static func dueJobs(_ request: ClaimRequest, binds: inout [HistoryValue]) -> String {
        switch request.purpose {
        case .poll:
            var sql = "job.tracking = 1 AND job.terminal = 0 AND (job.last_polled_at IS NULL OR job.last_polled_at < "
            if let since = request.joinRunsSince {
                binds += [.integer(since), .integer(request.roundStart), .integer(request.roundStart), .integer(request.roundStart)]
                sql += numbered(roundStartSQL, from: binds.count - 3) + ")"
            } else {
                binds.append(.integer(request.roundStart))
                sql += "$\(binds.count))"
            }
            if !request.candidates.isEmpty { sql += " AND " + candidateList(request.candidates, binds: &binds) }
            return sql
        case .download:
            if request.candidates.isEmpty { return "false" }
            return candidateList(request.candidates, binds: &binds)
        }
    }
}
