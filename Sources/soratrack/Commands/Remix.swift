import ArgumentParser
import Foundation
import SyncEngine
import VideoAPI

/// `soratrack remix`: create a job from a finished one, record the answer, and track it.
struct Remix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remix a completed video into a new job, record the answer as its first snapshot, and track it.",
        discussion: """
            Sends POST /videos/ID/remix with {"prompt": …} once (never retried, whatever --retries says), records the new job (its \
            remixed_from_video_id names ID) like submit does, and prints the new id alone on standard output. \
            The source must be a completed video; it need not be tracked.

            Example:
              soratrack remix video_69b25d5f467c81908733a56bc236b4df --prompt "The same scene, at sunset" --label v2

            Exit codes: 0 created, 1 created but already failed or the provider failed the request, 65 invalid \
            id or the provider refused the request (source not completed or unknown), 69 API unreachable (or no \
            answer: unknown whether created), 73/74 database error, 77 missing or rejected API key, 78 newer \
            database schema or bad base URL.
            """)

    @Argument(help: "The completed video to remix.")
    var id: String

    @Option(name: .long, help: "How the remix should differ (1–32000 characters).")
    var prompt: String

    @Option(name: .long, help: "A label stored with the new job (shown by jobs and exports).")
    var label: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        try CreateArguments.validate(prompt: prompt)
    }

    func run() async throws {
        try await ExitCodes.run {
            let source = try VideoID(validating: id)
            return try await api.withClient(maxConnections: 1) { client in
                let submission = JobCreator(database: try database.open(), client: client)
                let result = try await submission.remix(source, prompt: prompt, label: label, created: CreateArguments.printID)
                CreateArguments.report(result, verb: "remixed \(source) into", quiet: log.quiet)
                return result.exitCode
            }
        }
    }
}
