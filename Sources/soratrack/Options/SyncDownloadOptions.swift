import ArgumentParser
import JobStore
import SyncEngine
import VideoAPI

/// `sync --download-dir DIR`: after the polls, download the video of every completed job that is not downloaded yet.
struct SyncDownloadOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "After polling, download the video of every completed job not downloaded yet whose link has not expired into this folder (created when missing).",
            valueName: "dir"))
    var downloadDir: String?

    /// Downloads what is pending into the folder (nothing without `--download-dir`): failures on stderr, one
    /// `download:` line unless `quiet`; returns the exit status (a rejected key, no response or a write failure throws).
    func run(database: any HistoryStore, client: VideoAPIClient, concurrency: Int, log: LogOptions) async throws -> ExitStatus {
        guard let downloadDir else { return .ok }
        let downloader = try Downloader(
            database: database, client: client, folder: downloadDir, logger: log.makeLogger(label: "soratrack.download"))
        let concurrency = min(concurrency, 4)
        return try await DownloadRun.perform(label: "download", quiet: log.quiet, jobLines: false) { progress in
            try await downloader.downloadPending(concurrency: concurrency, progress: progress)
        }
    }
}
