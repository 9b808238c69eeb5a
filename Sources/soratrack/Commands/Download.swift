import ArgumentParser
import Foundation
import JobStore
import SyncEngine
import VideoAPI

extension ContentVariant: ExpressibleByArgument {}

/// `soratrack download`: save the video (or thumbnail, spritesheet) of completed jobs into a folder.
struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download the video, thumbnail or spritesheet of completed jobs into a folder.",
        discussion: """
            Fetches GET {base}/videos/ID/content for each id and saves it as DIR/ID.mp4 (thumbnail: ID.webp, \
            spritesheet: ID.jpg). The bytes stream to a hidden temporary file beside it, which is renamed into \
            place only when the whole body arrived with the expected Content-Type and Content-Length; its size \
            and SHA-256 are recorded. Every attempt is recorded in the database, ok or not (an error body sent \
            instead of the file is kept). A job whose earlier file is still there with its recorded size is \
            skipped, as are jobs not completed and jobs whose content expired (--force fetches anyway). \
            SIGINT/SIGTERM remove the files in flight at once.

            Example:
              soratrack download video_69b25d5f467c81908733a56bc236b4df --dir ~/videos
              soratrack download video_1 video_2 --variant thumbnail --dir thumbs

            Exit codes: 0 every file fetched or already there, 1 some not fetched (failed, expired or not \
            completed), 65 invalid id or job not in the database, 69 API unreachable, 73 cannot create --dir, \
            74 database or write error, 77 missing or rejected API key, 78 newer database schema or bad base URL.
            """)

    @Argument(help: "Video ids of tracked jobs.")
    var ids: [String] = []

    @Option(name: .long, help: "Which asset: video (.mp4), thumbnail (.webp) or spritesheet (.jpg).")
    var variant: ContentVariant = .video

    @Option(name: .long, help: ArgumentHelp("The folder the files go to (created when missing).", valueName: "dir"))
    var dir = "."

    @Flag(name: .long, help: "Fetch even when already downloaded, not completed or expired.")
    var force = false

    @Option(name: .long, help: "Downloads in flight at once.")
    var concurrency = 4

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one video id") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let batch = try IDList.parse(arguments: ids, files: [])
            return try await api.withClient(maxConnections: concurrency) { client in
                let downloader = try Downloader(
                    database: try database.openExisting(), client: client, folder: dir,
                    logger: log.makeLogger(label: "soratrack.download"))
                let (variant, force, concurrency) = (variant, force, concurrency)
                return try await DownloadRun.perform(label: "download", quiet: log.quiet, jobLines: true) { progress in
                    try await downloader.download(batch, variant: variant, force: force, concurrency: concurrency, progress: progress)
                }
            }
        }
    }
}
