import Foundation
import JobStore
import Logging
import Synchronization
import VideoAPI

/// Downloads the assets of completed jobs into one folder as `<id>.mp4` / `.webp` / `.jpg`, with bounded
/// concurrency, recording every attempt (ok or failed) in the `download` table as it ends.
public struct Downloader: Sendable {
    let database: any HistoryStore
    let client: VideoAPIClient
    /// The absolute path of the folder the files go to.
    public let folder: String
    let clock: APIClock
    let logger: Logger

    /// Prepares `folder` (relative to the current directory; created with its parents when missing) and removes
    /// temporary files left there by killed runs. Throws ``DownloadError/cannotCreateFolder(path:reason:)`` when it
    /// cannot be created or written.
    public init(
        database: any HistoryStore, client: VideoAPIClient, folder: String, clock: APIClock = .live,
        logger: Logger = Logger(label: "soratrack.download")
    ) throws(DownloadError) {
        self.database = database
        self.client = client
        self.folder = try Self.prepareFolder(folder)
        self.clock = clock
        self.logger = logger
        DownloadFile.removeStaleTemporaryFiles(folder: self.folder)
    }

    /// `download ID...`: fetches `variant` of each named job unless its file is already in place, it is not
    /// completed, or its content expired (`force` fetches anyway). An id not in the database refuses the whole batch
    /// (``StoreError/unknownJob(_:)``) before any request.
    public func download(
        _ ids: [VideoID], variant: ContentVariant, force: Bool, concurrency: Int,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(StoreError) -> DownloadSummary {
        var seen = Set<VideoID>()
        let unique = ids.filter { seen.insert($0).inserted }
        let targets = try database.downloadTargets(unique, variant: variant)
        let now = Self.seconds(clock.now())
        let planned = targets.map { ($0, Self.plan($0, force: force, now: now, named: true, isIntact: Self.isIntact)) }
        return try await run(planned, variant: variant, concurrency: concurrency, named: true, progress: progress)
    }

    /// `sync --download-dir`: fetches `variant` of every completed job whose content has not expired and whose file
    /// is not in place; a job whose last attempt was answered 404 or 410 is not asked again.
    public func downloadPending(
        variant: ContentVariant = .video, concurrency: Int, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(StoreError) -> DownloadSummary {
        let now = Self.seconds(clock.now())
        // On a shared history a file saved by another host counts as saved: its path is on that host's disk.
        let shared = database.sharesWork
        var planned = try database.downloadCandidates(variant: variant, now: now).compactMap { target -> (DownloadTarget, DownloadResult.Outcome?)? in
            let plan = Self.plan(target, force: false, now: now, named: false) { saved in shared || Self.isIntact(saved) }
            switch plan {
            case .alreadyDownloaded?, .gone?: return nil  // nothing to do, nothing to say
            default: return (target, plan)
            }
        }
        guard database.sharesWork, !planned.isEmpty else {
            return try await run(planned, variant: variant, concurrency: concurrency, named: false, progress: progress)
        }
        // Several hosts: each file is claimed first, so one host downloads it; the others leave it.
        let holder = "\(ProcessInfo.processInfo.hostName)/\(getpid())/download \(UUID().uuidString.prefix(8))"
        let nowMilliseconds = Timestamp.milliseconds(clock.now())
        let claimed = try database.claimJobs(
            ClaimRequest(
                holder: holder, purpose: .download(variant), limit: planned.count, roundStart: nowMilliseconds, now: nowMilliseconds,
                until: nowMilliseconds + 600_000, candidates: planned.map(\.0.videoID)))
        let mine = Set(claimed.jobs)
        planned = planned.filter { mine.contains($0.0.videoID) }
        defer { try? database.releaseClaims(holder: holder) }
        return try await run(planned, variant: variant, concurrency: concurrency, named: false, progress: progress)
    }

    /// What to do with `target`: nil to fetch it, else why not. `isIntact` tells whether an earlier file is still
    /// there with its recorded size.
    public static func plan(
        _ target: DownloadTarget, force: Bool, now: Int64, named: Bool, isIntact: (DownloadTarget.Saved) -> Bool
    ) -> DownloadResult.Outcome? {
        if force { return nil }
        if let saved = target.lastSuccess, isIntact(saved) { return .alreadyDownloaded(path: saved.path) }
        if target.phase != .completed { return .notCompleted(target.phase) }
        if target.isExpired(now: now), let expiresAt = target.expiresAt { return .expired(at: expiresAt) }
        if !named, let status = target.lastFailedStatus, status == 404 || status == 410 { return .gone(status: status) }
        return nil
    }

    /// Whether the file of an earlier download is still a regular file of its recorded size.
    public static func isIntact(_ saved: DownloadTarget.Saved) -> Bool {
        var info = stat()
        return stat(saved.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && Int64(info.st_size) == saved.bytes
    }

    /// Fetches the planned jobs (those planned nil), `concurrency` at a time, stopping at a rejected key, a local
    /// write failure or cancellation.
    private func run(
        _ planned: [(DownloadTarget, DownloadResult.Outcome?)], variant: ContentVariant, concurrency: Int, named: Bool,
        progress: (@Sendable (SyncProgress) -> Void)?
    ) async throws(StoreError) -> DownloadSummary {
        let start = clock.now()
        var results = planned.map { DownloadResult(videoID: $0.0.videoID, variant: variant, outcome: $0.1 ?? .notReached) }
        let toFetch = planned.indices.filter { planned[$0].1 == nil }
        let tally = DownloadTally(total: toFetch.count)
        let fetched: [(Int, DownloadResult.Outcome)]
        do {
            fetched = try await withThrowingTaskGroup(of: (Int, DownloadResult.Outcome).self) { group in
                var pending = toFetch[...]
                var inFlight = 0
                var outcomes: [(Int, DownloadResult.Outcome)] = []
                func launch() {
                    guard let index = pending.popFirst() else { return }
                    inFlight += 1
                    let target = planned[index].0
                    group.addTask { (index, try await fetch(target, variant: variant, tally: tally)) }
                }
                while inFlight < max(1, concurrency), !pending.isEmpty, tally.mayLaunch { launch() }
                while let outcome = try await group.next() {
                    inFlight -= 1
                    outcomes.append(outcome)
                    if let progress { progress(tally.progress) }
                    if !pending.isEmpty, tally.mayLaunch { launch() }
                }
                return outcomes
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .io(path: database.location, reason: "\(error)")
        }
        for (index, outcome) in fetched { results[index].outcome = outcome }
        var summary = tally.summary(named: named)
        summary.results = results
        summary.interrupted = Task.isCancelled
        summary.elapsedSeconds = clock.now().timeIntervalSince(start)
        return summary
    }

    /// Fetches one asset with retries, recording each attempt before the next starts.
    private func fetch(_ target: DownloadTarget, variant: ContentVariant, tally: DownloadTally) async throws -> DownloadResult.Outcome {
        let id = target.videoID
        let database = database
        let logger = logger
        let folder = folder
        let name = variant.fileName(for: id)
        let final = try await client.downloadContent(id, variant: variant, fileURL: target.fileURL, openWriter: {
            try DownloadFile(folder: folder, name: name)
        }) { attempt in
            try database.recordDownload(attempt)
            tally.add(attempt, path: folder + "/" + name)
            logger.debug(
                "recorded \(variant.rawValue) attempt \(attempt.attempt + 1) of \(id): HTTP \(attempt.httpStatus.map(String.init) ?? "none"), \(attempt.ok ? "saved" : attempt.error ?? "failed")")
        }
        tally.finish(ok: final.ok)
        if let file = final.file { return .downloaded(file, attempts: final.attempt + 1) }
        if final.wasInterrupted { return .interrupted }
        let error = final.error ?? "failed"
        logger.info("\(id): \(variant.rawValue) not downloaded: \(error)")
        return .failed(error, attempts: final.attempt + 1)
    }

    /// The absolute path of `path`, created with its parents when missing, checked to be a writable folder.
    static func prepareFolder(_ path: String) throws(DownloadError) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw .cannotCreateFolder(path: absolute, reason: "a file of that name is in the way") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            } catch {
                let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? "permission denied or not a folder"
                throw .cannotCreateFolder(path: absolute, reason: reason)
            }
        }
        guard access(absolute, W_OK | X_OK) == 0 else {
            throw .cannotCreateFolder(path: absolute, reason: String(cString: strerror(errno)))
        }
        return absolute
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
