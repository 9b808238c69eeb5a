import VideoAPI
import VideoModel

/// What one `discover` walk did, and how it should end.
public struct DiscoverySummary: Sendable, Equatable {
    /// Distinct usable video ids examined (within `--limit` and `--since`).
    public var seen = 0
    /// Of those, the ids the database did not know: now tracked, their list item recorded as the first snapshot.
    public var new = 0
    /// Of those, the ids already in the database (tracked or not): left as they were.
    public var alreadyKnown = 0
    /// Listed ids that are not usable video ids (skipped).
    public var unusable = 0
    /// Pages read.
    public var pages = 0
    /// True when the walk stopped at a video created before `--since`.
    public var reachedSince = false
    /// The page failure that ended the walk early, if any.
    public var failure: ListError?

    public init() {}

    /// How the walk ends, as stored in `sync_run`: unavailable when listing is unsupported or unreachable, no
    /// permission for a rejected key, partial when a later page failed or the provider ignores the cursor, else ok.
    public var exitCode: ExitStatus {
        guard let failure else { return .ok }
        return Self.exitStatus(for: failure, pagesRead: pages)
    }

    /// How a walk that ended on `failure` after `pagesRead` pages ends.
    public static func exitStatus(for failure: ListError, pagesRead: Int) -> ExitStatus {
        switch failure {
        case .unsupported: .unavailable
        case .failed(.http(let status, _, _)) where status == 401 || status == 403: .noPermission
        case .failed(.transport) where pagesRead == 0: .unavailable
        case .failed, .ignoresCursor: .partial
        }
    }

    /// The one summary line, e.g. "discover: 57 seen, 12 new (now tracked), 45 already known (1 page)".
    public var line: String {
        var text = "discover: \(seen) seen, \(new) new (now tracked), \(alreadyKnown) already known (\(pages) page\(pages == 1 ? "" : "s")"
        if reachedSince { text += ", stopped at --since" }
        if unusable > 0 { text += ", \(unusable) unusable ids skipped" }
        return text + ")"
    }
}
