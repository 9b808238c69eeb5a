import Foundation
import JobStore
import Reports
import SyncEngine
import Synchronization
import VideoModel

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
    func finished(exitCode: ExitStatus) async {
        guard let heartbeat else { return }
        var message = "exit \(exitCode.rawValue): \(exitCode.meaning)"
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

}
