import ArgumentParser
import Foundation
import Reports
import Synchronization
import SyncEngine
import VideoModel

/// Runs a download step for `download` and `sync --download-dir`: progress on a terminal, SIGINT/SIGTERM remove the
/// files in flight at once and stop the run (its attempts are recorded), then the lines and the exit code.
enum DownloadRun {
    /// Runs `body`, prints its lines (job lines when `jobLines`: done ones on stdout unless `quiet`, the others on
    /// stderr; failures only otherwise), the summary line unless `quiet`, and returns the exit status or throws the
    /// error that ends the run (rejected key, unreachable API, write failure).
    static func perform(
        label: String, quiet: Bool, jobLines: Bool,
        _ body: @escaping @Sendable (_ progress: @escaping @Sendable (SyncProgress) -> Void) async throws -> DownloadSummary
    ) async throws -> ExitStatus {
        let progress = ProgressLine(enabled: !quiet)
        let task = Task { try await body { step in progress.update(done: step.done, total: step.total, errors: step.errors, label: label) } }
        let received = Mutex<Int32?>(nil)
        let signals = TerminationSignals { signal in
            DownloadFile.removeUnfinished()
            received.withLock { $0 = $0 ?? signal }
            task.cancel()
        }
        defer { signals.cancel() }
        let summary = try await task.value
        progress.finish()

        for result in summary.results {
            if result.isDone {
                if jobLines && !quiet { print(result.line) }
            } else if jobLines || !Self.isQuietSkip(result) {
                FileHandle.standardError.write(Data((result.line + "\n").utf8))
            }
        }
        if !quiet { print("\(label): " + summary.line) }
        if let signal = received.withLock({ $0 }) { throw ExitCode(ExitStatus(signal: signal).rawValue) }
        if let authFailure = summary.authFailure { throw SyncFailure.rejectedKey(authFailure) }
        if summary.unreachable { throw SyncFailure.unreachable(summary.firstError ?? "no response") }
        if let localFailure = summary.localFailure { throw localFailure }
        return summary.exitCode
    }

    /// Skips `sync` does not mention: nothing is wrong with them.
    private static func isQuietSkip(_ result: DownloadResult) -> Bool {
        switch result.outcome {
        case .alreadyDownloaded, .gone, .expired, .notCompleted: true
        default: false
        }
    }
}
