import Foundation
import JobStore
import VideoAPI

/// What became of one job in a download run.
public struct DownloadResult: Sendable, Equatable {
    /// The video.
    public var videoID: VideoID
    /// Which asset.
    public var variant: ContentVariant
    /// What happened.
    public var outcome: Outcome

    /// What happened to one job.
    public enum Outcome: Sendable, Equatable {
        /// The file is in place.
        case downloaded(SavedFile, attempts: Int)
        /// An earlier download's file is still there with its recorded size; nothing was fetched.
        case alreadyDownloaded(path: String)
        /// The content expired at this time (unix seconds); nothing was fetched.
        case expired(at: Int64)
        /// The job is not completed (as far as the database knows); nothing was fetched.
        case notCompleted(Phase)
        /// Its last attempt was answered 404 or 410: `sync` does not ask again.
        case gone(status: Int)
        /// Every attempt failed; the text is the last one's error.
        case failed(String, attempts: Int)
        /// The run was stopped while it was in flight; nothing was kept.
        case interrupted
        /// Not reached: the run stopped first (rejected key, signal).
        case notReached
    }

    /// A result.
    public init(videoID: VideoID, variant: ContentVariant, outcome: Outcome) {
        self.videoID = videoID
        self.variant = variant
        self.outcome = outcome
    }

    /// True when the job's file is in place (fetched now or before).
    public var isDone: Bool {
        switch outcome {
        case .downloaded, .alreadyDownloaded: true
        default: false
        }
    }

    /// One line for people, e.g. `video_1: downloaded /srv/videos/video_1.mp4 (5.2 KB, sha256 3f…)`.
    public var line: String {
        let id = videoID.rawValue
        switch outcome {
        case .downloaded(let file, let attempts):
            let retried = attempts > 1 ? ", \(attempts) attempts" : ""
            return "\(id): downloaded \(file.path) (\(Self.size(file.bytes)), sha256 \(file.sha256)\(retried))"
        case .alreadyDownloaded(let path):
            return "\(id): already downloaded (\(path)); --force fetches it again"
        case .expired(let at):
            return "\(id): its \(variant.rawValue) expired at \(Self.iso8601(at)), not fetched (--force tries anyway)"
        case .notCompleted(let phase):
            return "\(id): not completed (phase \(phase.rawValue)), not fetched: run sync first (--force tries anyway)"
        case .gone(let status):
            return "\(id): the last attempt was answered HTTP \(status), not asked again (download --force tries anyway)"
        case .failed(let error, let attempts):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "\(id): failed\(tries): \(error)"
        case .interrupted:
            return "\(id): interrupted; nothing was kept"
        case .notReached:
            return "\(id): not fetched: the run stopped first"
        }
    }

    /// Bytes as people read them: `812 B`, `5.2 KB`, `31.4 MB`.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    static func iso8601(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
    }
}
