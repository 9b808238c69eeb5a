import Foundation
import JobStore
import VideoAPI
import VideoModel

/// Creates jobs (`submit`, `remix`) and records what came back: the new job tracked with the answer as its first
/// snapshot, and every request in the create ledger. Each request is sent once, never retried.
public struct JobCreator: Sendable {
    let database: any HistoryStore
    let client: VideoAPIClient
    let clock: APIClock

    /// A creator writing to `database` through `client`.
    public init(database: any HistoryStore, client: VideoAPIClient, clock: APIClock = .live) {
        self.database = database
        self.client = client
        self.clock = clock
    }

    /// `POST /videos` with `form`, then records it as one `sync_run` row of command `submit`.
    ///
    /// `created` is called with the new id as soon as the answer is read, before anything is written, so a caller can
    /// show it even when the database then fails. Throws `CreateFailure` when no job is known to exist,
    /// `InputReferenceError` when the file cannot be read (nothing sent), `CreateError` when the job was created
    /// but could not be recorded.
    public func submit(
        _ form: VideoCreateForm, label: String?, boundary: String = MultipartBody.randomBoundary(),
        created: (VideoID) -> Void = { _ in }
    ) async throws -> CreateResult {
        try await recorded(command: "submit", request: CreateRequest(
                prompt: form.prompt, model: form.model, seconds: form.seconds, size: form.size,
                inputReference: form.inputReference?.filename, inputBytes: form.inputReference?.byteCount), label: label, created: created) {
            try await client.create(form, boundary: boundary)
        }
    }

    /// `POST /videos/{source}/remix` with `prompt`, recorded like ``submit(_:label:boundary:created:)`` (command `remix`).
    public func remix(
        _ source: VideoID, prompt: String, label: String?, created: (VideoID) -> Void = { _ in }
    ) async throws -> CreateResult {
        try await recorded(command: "remix", request: CreateRequest(remixOf: source, prompt: prompt), label: label, created: created) {
            await client.remix(source, prompt: prompt)
        }
    }

    private func recorded(
        command: String, request: CreateRequest, label: String?, created: (VideoID) -> Void,
        send: () async throws -> CreateAttempt
    ) async throws -> CreateResult {
        // The run row is written first: a database that cannot be written fails before anything is paid for.
        let runID = try database.startRun(command: command, at: clock.now())
        var counts = SyncRunCounts()
        counts.jobs = 1
        // The ledger row goes in before the request goes out: a kill while it is on the wire leaves a trace.
        let ledgerRow = try database.beginCreateAttempt(request, runID: runID, at: clock.now())
        let attempt: CreateAttempt
        do {
            attempt = try await send()
        } catch {
            // Nothing was sent (the input file could not be read), so nothing was asked of the provider.
            try? database.discardCreateAttempt(ledgerRow)
            try? database.finishRun(runID, counts: SyncRunCounts(), exitCode: .dataError, at: clock.now())
            throw error
        }
        counts.attempts = 1
        counts.responses = attempt.httpStatus == nil ? 0 : 1
        if let id = attempt.created?.videoID { created(id) }
        let recorded: RecordedPoll?
        do {
            recorded = try database.recordCreate(attempt, request: request, label: label, runID: runID, ledgerRow: ledgerRow)
        } catch {
            try? database.finishRun(runID, counts: counts, exitCode: .ioError, at: clock.now())
            if let id = attempt.created?.videoID { throw CreateError.notRecorded(id, error) }
            throw error
        }
        guard let snapshot = attempt.created, let video = snapshot.video else {
            counts.pollErrors = 1
            let failure = attempt.failure ?? .noAnswer(.other("no answer"))
            try database.finishRun(runID, counts: counts, exitCode: CreateResult.exitStatus(for: failure), at: clock.now())
            if failure.mayHaveCreated { throw CreateError.unconfirmed(failure, ledgerRow: ledgerRow) }
            throw failure
        }
        let result = CreateResult(videoID: snapshot.videoID, video: video, requestID: snapshot.requestID)
        if recorded?.becameTerminal == true {
            if video.phase == .failed { counts.failed = 1 } else if video.phase == .completed { counts.completed = 1 }
        }
        try database.finishRun(runID, counts: counts, exitCode: result.exitCode, at: clock.now())
        return result
    }
}

/// A job was created but could not be recorded.
public enum CreateError: Error, Sendable, CustomStringConvertible {
    /// The provider created the job; the database write failed.
    case notRecorded(VideoID, StoreError)
    /// No job is known but one may exist (no answer, or an answer that was not a usable video): the request stays in
    /// the create ledger as row `ledgerRow` of `create_attempt`, outcome `unknown`, for the user to check.
    case unconfirmed(CreateFailure, ledgerRow: Int64)

    public var description: String {
        switch self {
        case .notRecorded(let id, let error):
            return "the job \(id) was created but not recorded (\(error)); once the database is fixed: soratrack track \(id)"
        case .unconfirmed(let failure, let row):
            return "\(failure) (the request is row \(row) of create_attempt in the database)"
        }
    }
}

/// A job created by `submit` or `remix` and recorded.
public struct CreateResult: Sendable, Equatable {
    /// The new job's id.
    public var videoID: VideoID
    /// The job as the create answer described it.
    public var video: Video
    /// The `x-request-id` of that answer.
    public var requestID: String?

    /// Ok for a job under way; partial for a job that came back already failed (it is recorded, and terminal).
    public var exitCode: ExitStatus { video.phase == .failed ? .partial : .ok }

    /// How a run that created nothing ends, as stored in `sync_run` (docs/operations.md, Exit codes).
    public static func exitStatus(for failure: CreateFailure) -> ExitStatus {
        switch failure {
        case .refused(let status, _, _) where status == 401 || status == 403: .noPermission
        case .refused(let status, _, _) where (400..<500).contains(status) && ![408, 409, 429].contains(status): .dataError
        case .refused, .unreadableAnswer: .partial
        case .notSent, .noAnswer: .unavailable
        }
    }
}
