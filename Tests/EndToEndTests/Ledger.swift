import Foundation
import GRDB
import TestSupport
import Testing
import VideoAPI
import VideoSimulator

/// What a soratrack database file holds, read directly with SQL, and the rules that tie it to what the simulator
/// sent and to what a `--verbose` process said it recorded. Used after a kill, a signal or a failed write.
struct Ledger {
    /// One job row with the facts of its snapshots that the row must agree with.
    struct JobRow {
        var videoID: String
        var status: String?
        var localState: String?
        var phase: String
        var terminal: Bool
        var progress: Int?
        var polls: Int
        /// Snapshots of the job, every attempt.
        var snapshots: Int
        /// Status and progress of the newest snapshot that answered 2xx with a status.
        var newestStatus: String?
        var newestProgress: Int?
    }

    /// Rows of `PRAGMA integrity_check` (`["ok"]` when sound).
    var integrity: [String]
    /// Rows of `PRAGMA foreign_key_check`.
    var foreignKeyViolations: Int
    /// Every request id in `snapshot`, with how many rows carry it.
    var requestIDs: [String: Int]
    var jobs: [JobRow]
    /// Every snapshot row in id order, as text (to compare history before and after a failure).
    var snapshotRows: [String]

    /// Reads the file as the next process would find it (a WAL left by a killed process is recovered on open).
    init(path: String) throws {
        if TestBackend.isSQLite {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            (integrity, foreignKeyViolations) = try queue.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
            }
        } else {
            (integrity, foreignKeyViolations) = (["ok"], 0)  // PostgreSQL checks pages and foreign keys itself
        }
        requestIDs = [:]
        for row in try TestBackend.rows(path, "SELECT request_id, count(*) AS n FROM snapshot WHERE request_id IS NOT NULL GROUP BY request_id") {
            requestIDs[row["request_id"]] = row["n"]
        }
        let newest = """
            FROM snapshot s WHERE s.job_id = job.id AND s.http_status BETWEEN 200 AND 299 AND s.status IS NOT NULL
            ORDER BY s.polled_at DESC, s.id DESC LIMIT 1
            """
        jobs = try TestBackend.rows(path, """
            SELECT video_id, status, local_state, phase, terminal, progress, polls,
                (SELECT count(*) FROM snapshot s WHERE s.job_id = job.id) AS snapshots,
                (SELECT s.status \(newest)) AS newest_status,
                (SELECT s.progress \(newest)) AS newest_progress
            FROM job ORDER BY id
            """
        ).map { row in
            JobRow(
                videoID: row["video_id"], status: row["status"], localState: row["local_state"], phase: row["phase"],
                terminal: row["terminal"], progress: row["progress"], polls: row["polls"], snapshots: row["snapshots"],
                newestStatus: row["newest_status"], newestProgress: row["newest_progress"])
        }
        snapshotRows = try TestBackend.rows(path, "SELECT * FROM snapshot ORDER BY id").map(\.description)
    }

    /// Reads a copy of the database file and its write-ahead log as they are now, leaving the originals untouched, so
    /// that the next soratrack process recovers the log a killed process left behind by itself.
    ///
    /// The shared-memory index is not copied: opening the copy rebuilds it from the log, as after a reboot.
    init(copyOf path: String, into folder: String) throws {
        let copy = folder + "/ledger-copy.sqlite"
        let fileManager = FileManager.default
        for suffix in ["", "-wal", "-shm"] where fileManager.fileExists(atPath: copy + suffix) {
            try fileManager.removeItem(atPath: copy + suffix)
        }
        try fileManager.copyItem(atPath: path, toPath: copy)
        if fileManager.fileExists(atPath: path + "-wal") {
            try fileManager.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        }
        try self.init(path: copy)
    }

    /// Checks that the file is sound and that each job's row agrees with its snapshots: the row and its snapshot are
    /// written in one transaction, so no crash may leave one without the other.
    func expectConsistent(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(integrity == ["ok"], "\(context): integrity_check \(integrity)", sourceLocation: sourceLocation)
        #expect(foreignKeyViolations == 0, "\(context): foreign key violations", sourceLocation: sourceLocation)
        let twice = requestIDs.filter { $0.value != 1 }
        #expect(twice.isEmpty, "\(context): request ids recorded more than once: \(twice)", sourceLocation: sourceLocation)
        for job in jobs {
            #expect(job.polls == job.snapshots, "\(context): \(job.videoID) counts \(job.polls) polls, has \(job.snapshots) snapshots",
                    sourceLocation: sourceLocation)
            #expect(job.status == job.newestStatus, "\(context): \(job.videoID) status \(job.status ?? "nil"), newest snapshot \(job.newestStatus ?? "nil")",
                    sourceLocation: sourceLocation)
            if let newestProgress = job.newestProgress {
                #expect(job.progress == newestProgress, "\(context): \(job.videoID) progress \(job.progress ?? -1), newest snapshot \(newestProgress)",
                        sourceLocation: sourceLocation)
            }
            if job.localState == nil {
                let phase = job.newestStatus.map { Phase(providerStatus: $0) } ?? .unknown
                #expect(job.phase == phase.rawValue && job.terminal == phase.isTerminal,
                        "\(context): \(job.videoID) phase \(job.phase) (terminal \(job.terminal)) for status \(job.newestStatus ?? "nil")",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// The request ids a `--verbose` run logged as committed: `recorded REQUEST for VIDEO: HTTP STATUS, PHASE`
    /// (the line is written after the transaction committed, so a cut last line still names a committed attempt).
    static func loggedAsRecorded(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line -> String? in
            guard let match = line.firstMatch(of: /recorded (\S+) for (\S+): HTTP/) else { return nil }
            return String(match.output.1)
        }
    }

    /// What a run left unrecorded, and whether each is allowed.
    struct Unrecorded {
        /// Requests of the run with no snapshot carrying their request id (any delivery).
        var requests: [LoggedRequest]
        /// Of those, the ones whose whole response the simulator had written before `cutoff`.
        var sentBeforeCutoff: [LoggedRequest]
    }

    /// Checks the in-flight rule for one process that died (or was stopped) without finishing: every retrieve it sent
    /// (arrived at the simulator at or after `start`) is recorded, except at most one per worker, and each such
    /// exception must be the last request for its video in the run and never logged as recorded.
    ///
    /// Why this is exact: a worker sends a request, waits for the whole response, commits its snapshot, and only then
    /// sends the next request (a retry or another job). So at the moment of death each of the `workers` workers holds
    /// at most one attempt that is not committed (a request on the wire, or a response received but not yet
    /// committed), and that attempt is the newest one for its video. A response the simulator wrote completely before
    /// the kill may be missing only in that case.
    @discardableResult
    func expectOnlyInFlightMissing(
        _ context: String, requests: [LoggedRequest], since start: ContinuousClock.Instant, cutoff: ContinuousClock.Instant,
        logged: Set<String>, workers: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Unrecorded {
        let run = requests.filter { $0.method == "GET" && $0.videoID != nil && $0.arrivedAt >= start }
        let missing = run.filter { requestIDs[$0.requestID] == nil }
        #expect(missing.count <= workers, "\(context): \(missing.count) attempts unrecorded, at most \(workers) may be in flight: \(missing.map(\.requestID))",
                sourceLocation: sourceLocation)
        #expect(Set(missing.compactMap(\.videoID)).count == missing.count, "\(context): two unrecorded attempts for one video",
                sourceLocation: sourceLocation)
        for request in missing {
            #expect(!logged.contains(request.requestID), "\(context): \(request.requestID) was logged as recorded but is not in the database",
                    sourceLocation: sourceLocation)
            let later = run.filter { $0.videoID == request.videoID && $0.arrivedAt > request.arrivedAt }
            #expect(later.isEmpty, "\(context): \(request.requestID) is unrecorded but \(request.videoID ?? "") was polled again after it",
                    sourceLocation: sourceLocation)
        }
        let sentBeforeCutoff = missing.filter { request in
            guard request.isComplete, let finished = request.finishedAt else { return false }
            return finished <= cutoff
        }
        return Unrecorded(requests: missing, sentBeforeCutoff: sentBeforeCutoff)
    }
}

/// Waits until the simulator has decided the fate of every answer (written, cut, or found the client gone).
func waitForSettledSimulator(_ simulator: VideoSimulator, seconds: Double = 10) async throws {
    try await waitUntil("every simulator answer written or dropped", seconds: seconds) {
        !simulator.requests().contains { $0.delivery == .pending }
    }
}
