import Foundation
import VideoModel

/// What a download run did, and how it should end.
public struct DownloadSummary: Sendable, Equatable {
    /// One result per job considered, in the order they were given (or found).
    public var results: [DownloadResult] = []
    /// Requests made, retries included.
    public var attempts = 0
    /// Attempts that got a response head.
    public var responses = 0
    /// The first 401/403 answer, which stopped the run.
    public var authFailure: String?
    /// The first failure to write a file here (disk full, permissions).
    public var localFailure: DownloadError?
    /// True when SIGINT/SIGTERM stopped the run.
    public var interrupted = false
    /// True when the jobs were named by the user (`download ID...`): a job left without its file makes the run partial.
    public var named = false
    /// Elapsed wall time in seconds.
    public var elapsedSeconds = 0.0

    public init(named: Bool = false) {
        self.named = named
    }

    /// Jobs whose file was fetched in this run.
    public var downloaded: Int { results.count { if case .downloaded = $0.outcome { true } else { false } } }
    /// Jobs whose file was already in place.
    public var alreadyDownloaded: Int { results.count { if case .alreadyDownloaded = $0.outcome { true } else { false } } }
    /// Jobs not fetched because their content expired.
    public var expired: Int { results.count { if case .expired = $0.outcome { true } else { false } } }
    /// Jobs not fetched because they are not completed.
    public var notCompleted: Int { results.count { if case .notCompleted = $0.outcome { true } else { false } } }
    /// Jobs whose attempts all failed, or that the run did not finish.
    public var failed: Int {
        results.count {
            switch $0.outcome {
            case .failed, .interrupted, .notReached: true
            default: false
            }
        }
    }

    /// The error of the first job whose attempts all failed, to explain a failed run.
    public var firstError: String? {
        results.lazy.compactMap { if case .failed(let error, _) = $0.outcome { error } else { nil } }.first
    }

    /// True when requests were made and none got any response.
    public var unreachable: Bool { attempts > 0 && responses == 0 }

    /// The exit code for this run (docs/operations.md, Exit codes); 130/143 for a signal are the command's business.
    public var exitCode: ExitStatus {
        if authFailure != nil { return .noPermission }
        if unreachable { return .unavailable }
        if localFailure != nil { return .ioError }
        if failed > 0 { return .partial }
        if named && results.contains(where: { !$0.isDone }) { return .partial }
        return .ok
    }

    /// The one summary line, e.g. `3 downloaded, 1 already downloaded, 0 failed (4 requests in 0.3s)`.
    public var line: String {
        var parts = ["\(downloaded) downloaded"]
        if alreadyDownloaded > 0 || named { parts.append("\(alreadyDownloaded) already downloaded") }
        if expired > 0 { parts.append("\(expired) expired") }
        if notCompleted > 0 { parts.append("\(notCompleted) not completed") }
        parts.append("\(failed) failed")
        let elapsed = String(format: "%.1f", elapsedSeconds)
        return parts.joined(separator: ", ") + " (\(attempts) request\(attempts == 1 ? "" : "s") in \(elapsed)s)"
    }
}
