import Foundation
import JobStore
import Reports
import Synchronization
import SyncEngine

/// One sync seen from monitoring: sends its heartbeats and writes its metrics file, printing a failure of
/// either as one warning line on stderr (even with --quiet: monitoring that silently stops is worse).
final class OpsRun: Sendable {
    private let heartbeat: Heartbeat?
    private let summary = Mutex<String?>(nil)

    /// The failure-ratio window of the metrics a sync writes.
    static let metricsWindow: Duration = .seconds(24 * 3600)

    init(heartbeat: Heartbeat?) {
        self.heartbeat = heartbeat
    }

    /// Sends `URL/start` (call once the sync holds the lock).
    func started() async {
        guard let heartbeat else { return }
        if let failure = await heartbeat.ping(.start) { Self.warn(failure.description) }
    }

    /// Keeps the sync's summary line for the final ping.
    func record(_ line: String) {
        summary.withLock { $0 = line }
    }

    /// Sends `URL` (exit 0) or `URL/<code>`, with the summary line and what the code means as its body.
    func finished(exitCode: Int32) async {
        guard let heartbeat else { return }
        var message = "exit \(exitCode): \(Self.meaning(of: exitCode))"
        if let line = summary.withLock({ $0 }) { message += "\n" + line }
        if let failure = await heartbeat.ping(.exit(exitCode), message: message) { Self.warn(failure.description) }
    }

    /// Writes the metrics of the database at `databasePath` to `path` atomically; a failure is a warning.
    func writeMetrics(databasePath: String, to path: String) {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            Self.warn("metrics file \(path) not written: no database at \(databasePath) yet; the sync's exit code is unchanged")
            return
        }
        do {
            let database = try JobDatabase(path: databasePath)
            try MetricsExposition(database: database, now: Date(), window: Self.metricsWindow).write(toFile: path)
        } catch {
            Self.warn("metrics file \(path) not written: \(error); the sync's exit code is unchanged")
        }
    }

    /// Closes the heartbeat's connections.
    func close() async {
        await heartbeat?.shutdown()
    }

    private static func warn(_ text: String) {
        FileHandle.standardError.write(Data("soratrack: warning: \(text)\n".utf8))
    }

    /// The exit codes of docs/operations.md (Exit codes), in words.
    private static func meaning(of code: Int32) -> String {
        switch code {
        case 0: "ok"
        case ExitCodes.partial: "some polls failed after their retries"
        case ExitCodes.usage: "usage error"
        case ExitCodes.unavailable: "the API could not be reached"
        case ExitCodes.cannotCreate: "cannot create the database or the lock file"
        case ExitCodes.ioError: "database or I/O error"
        case ExitCodes.locked: "another sync holds the lock"
        case ExitCodes.noPermission: "missing or rejected API key"
        case ExitCodes.config: "configuration error"
        default: "failed"
        }
    }
}
