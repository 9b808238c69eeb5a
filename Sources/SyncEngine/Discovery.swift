import Foundation
import JobStore
import Logging
import VideoAPI
import VideoModel

/// Walks `GET /videos` newest first and starts tracking every video the database does not know, recording its list
/// item (with the page's request id) as its first snapshot.
public struct Discovery: Sendable {
    /// The largest page the API serves.
    public static let maxPageSize = 100

    let database: any HistoryStore
    let client: VideoAPIClient
    let clock: APIClock
    let logger: Logger

    /// A discovery writing to `database` through `client`.
    public init(database: any HistoryStore, client: VideoAPIClient, clock: APIClock = .live, logger: Logger = Logger(label: "soratrack.discover")) {
        self.database = database
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// Lists pages (`order=desc`, `after` = the last id of the previous page) until the provider has no more,
    /// `limit` videos were examined, or a video created before `since` shows up; one `sync_run` row of command
    /// `discover`. A page that fails ends the walk: what was read before stays recorded, and the summary says why.
    public func run(limit: Int? = nil, since: Date? = nil, label: String? = nil) async throws(StoreError) -> DiscoverySummary {
        let runID = try database.startRun(command: "discover", at: clock.now())
        var summary = DiscoverySummary()
        var counts = SyncRunCounts()
        var seen = Set<VideoID>()
        var after: String?
        let sinceSeconds = since.map { Int64($0.timeIntervalSince1970.rounded(.up)) }
        walk: while true {
            let remaining = limit.map { $0 - summary.seen } ?? Self.maxPageSize
            guard remaining > 0 else { break }
            let listed: ListedPage
            do {
                listed = try await client.list(after: after, limit: min(Self.maxPageSize, remaining), order: "desc")
            } catch {
                summary.failure = error
                counts.pollErrors = 1
                break
            }
            summary.pages += 1
            counts.attempts += listed.attempts
            counts.responses += 1
            for id in listed.unusableIDs { logger.warning("skipped \(id.debugDescription): not a usable video id") }
            summary.unusable += listed.unusableIDs.count

            // A page after a cursor that brings nothing new means the cursor was dropped: walking on would loop.
            if after != nil, !listed.items.isEmpty, listed.items.allSatisfy({ seen.contains($0.videoID) }) {
                summary.failure = .ignoresCursor
                break
            }
            var batch: [PollAttempt] = []
            for item in listed.items {
                if let sinceSeconds, let created = item.video?.createdAt, created < sinceSeconds {
                    summary.reachedSince = true
                    break
                }
                guard seen.insert(item.videoID).inserted else { continue }  // listed twice across pages
                batch.append(item)
                summary.seen += 1
                if let limit, summary.seen >= limit { break }
            }
            let unknown = try database.unknownIDs(batch.map(\.videoID))
            if !unknown.isEmpty {
                let added = Set(try database.track(unknown, label: label, at: clock.now()).added)
                let recorded = try database.record(batch.filter { added.contains($0.videoID) }, runID: runID)
                summary.new += recorded.count
                counts.jobs += recorded.count
                for poll in recorded where poll.becameTerminal {
                    if poll.after == .completed { counts.completed += 1 } else if poll.after == .failed { counts.failed += 1 }
                }
            }
            summary.alreadyKnown = summary.seen - summary.new

            if summary.reachedSince || !listed.page.hasMore { break walk }
            if let limit, summary.seen >= limit { break walk }
            guard let cursor = listed.page.lastID ?? listed.page.data.last?.id, !cursor.isEmpty, cursor != after else {
                logger.warning("the provider said more videos follow but gave no new cursor; stopped")
                break walk
            }
            after = cursor
        }
        try database.finishRun(runID, counts: counts, exitCode: summary.exitCode, at: clock.now())
        return summary
    }
}

/// A discover walk that a failed page ended; the pages read before it are recorded.
public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the page could not be read.
    public var failure: ListError
    /// Pages read (and recorded) before it.
    public var pagesRead: Int

    public init(failure: ListError, pagesRead: Int) {
        self.failure = failure
        self.pagesRead = pagesRead
    }

    public var description: String {
        guard pagesRead > 0, failure != .ignoresCursor else { return failure.description }
        return "\(failure) after \(pagesRead) page\(pagesRead == 1 ? "" : "s") (those are recorded): run discover again later"
    }
}

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
