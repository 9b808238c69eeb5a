import ArgumentParser
import Foundation
import SyncEngine
import VideoAPI

/// `soratrack submit`: create a job, record the answer as its first snapshot, and track it.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a video job, record the answer as its first snapshot, and track it.",
        discussion: """
            Sends POST /videos once as multipart/form-data, the way the official SDKs do (never retried, \
            whatever --retries says: a retry could create a second paid job), records the answer as the job's first snapshot, tracks the \
            job (the next sync polls it), and prints its id alone on standard output. Every request, answered \
            or not, is kept in the create_attempt table. If the answer never comes (a timeout after sending), \
            soratrack cannot know whether a job was created: run soratrack discover before submitting again.

            Example:
              id=$(soratrack submit --prompt "A paper airplane glides across a desk" --seconds 8 --size 1280x720 --label launch)
              soratrack submit --prompt "The same scene at dusk" --input-reference frame.png --model sora-2-pro

            Exit codes: 0 created, 1 created but already failed (recorded) or the provider failed the request, \
            65 the provider refused the request (bad size, moderation…) or the input reference cannot be read, \
            69 API unreachable (or no answer: unknown whether created), 73/74 database error, 77 missing or \
            rejected API key, 78 newer database schema or bad base URL.
            """)

    @Option(name: .long, help: "What the video shows (1–32000 characters).")
    var prompt: String

    @Option(name: .long, help: "The model, e.g. sora-2 or sora-2-pro (default: the provider's).")
    var model: String?

    @Option(name: .long, help: "Clip length in seconds, e.g. 4, 8 or 12 (default: the provider's).")
    var seconds: String?

    @Option(name: .long, help: ArgumentHelp("Resolution as WIDTHxHEIGHT, e.g. 1280x720 (default: the provider's).", valueName: "WxH"))
    var size: String?

    @Option(name: .long, help: ArgumentHelp("An image (.jpg, .png, .webp) or video (.mp4) that guides the generation.", valueName: "file"))
    var inputReference: String?

    @Option(name: .long, help: "A label stored with the job (shown by jobs and exports).")
    var label: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        try CreateArguments.validate(prompt: prompt)
        if let model, model.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--model must not be empty") }
        if let seconds, seconds.isEmpty || !seconds.allSatisfy(\.isASCII) || Int(seconds).map({ $0 <= 0 }) ?? true {
            throw ValidationError("--seconds must be a whole number of seconds such as 4, 8 or 12")
        }
        if let size, !CreateArguments.isSize(size) {
            throw ValidationError("--size must be WIDTHxHEIGHT such as 1280x720 or 720x1280")
        }
    }

    func run() async throws {
        try await ExitCodes.run {
            let reference = try inputReference.map { path throws(InputReferenceError) in try InputReference(path: path) }
            let form = VideoCreateForm(prompt: prompt, model: model, seconds: seconds, size: size, inputReference: reference)
            return try await api.withClient(maxConnections: 1) { client in
                let submission = JobCreator(database: try database.open(), client: client)
                let result = try await submission.submit(form, label: label, created: CreateArguments.printID)
                CreateArguments.report(result, verb: "submitted", quiet: log.quiet)
                return result.exitCode
            }
        }
    }
}
