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

    /// Writes the metrics of `database` to `path` atomically; a failure is a warning.
    func writeMetrics(database: DatabaseOptions, to path: String) {
        if case .sqlite(let file)? = try? database.backend, !FileManager.default.fileExists(atPath: file) {
            Self.warn("metrics file \(path) not written: no database at \(file) yet; the sync's exit code is unchanged")
            return
        }
        do {
            try MetricsExposition(database: try database.open(), now: Date(), window: Self.metricsWindow).write(toFile: path)
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
