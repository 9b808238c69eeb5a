import Foundation

/// One job as the simulator stores it: what was asked for, when, and its plan; its state is derived from the clock.
struct SimulatedJob: Sendable {
    let id: String
    let prompt: String
    let model: String
    let size: String
    let seconds: String
    let remixedFromVideoID: String?
    /// Creation time, whole unix seconds.
    let createdAt: Int64
    let plan: JobPlan
    /// How a proxy reshapes this job's answers, on top of the simulator-wide quirks.
    var quirks: Set<Quirk> = []
    /// Deleted jobs are kept only so their id still works as a list cursor.
    var isDeleted = false
    /// The id a LiteLLM proxy shows for this job (its upstream `id` wrapped); nil in other flavours and for fixed ids.
    var wrappedID: String? = nil

    /// The id clients see: ``wrappedID`` when there is one, else ``id``.
    var publicID: String { wrappedID ?? id }

    /// When the job leaves the queue.
    var startedAt: Int64 { createdAt + plan.queueSeconds }
    /// When the job reaches its ending.
    var endedAt: Int64 { startedAt + plan.runSeconds }

    /// The job as seen at virtual time `now` (unix seconds).
    func video(at now: Double) -> SimulatedVideo {
        var video = SimulatedVideo(
            id: id, status: "queued", progress: 0,
            createdAt: Date(timeIntervalSince1970: TimeInterval(createdAt)),
            completedAt: nil, expiresAt: nil,
            model: model, size: size, seconds: seconds, prompt: prompt,
            errorCode: nil, errorMessage: nil, remixedFromVideoID: remixedFromVideoID
        )
        if now < Double(startedAt) { return video }
        if now < Double(endedAt) {
            let cap: Int
            switch plan.ending {
            case .completed: cap = 99
            case .failed(_, _, let progress): cap = max(1, progress)
            }
            let share = (now - Double(startedAt)) / Double(plan.runSeconds)
            video.status = "in_progress"
            video.progress = min(cap, max(1, 1 + Int(Double(cap - 1) * share)))
            return video
        }
        switch plan.ending {
        case .completed:
            video.status = "completed"
            video.progress = 100
            video.completedAt = Date(timeIntervalSince1970: TimeInterval(endedAt))
            video.expiresAt = Date(timeIntervalSince1970: TimeInterval(endedAt + SimulatedJob.assetLifetime))
        case .failed(let code, let message, let progress):
            video.status = "failed"
            video.progress = progress
            video.errorCode = code
            video.errorMessage = message
        }
        return video
    }

    /// The job at virtual time `now` as clients see it: with its ``publicID``.
    func publicVideo(at now: Double) -> SimulatedVideo {
        var video = video(at: now)
        video.id = publicID
        return video
    }

    /// Whether the job is `completed` and its assets expired at `now`.
    func assetsExpired(at now: Double) -> Bool {
        guard case .completed = plan.ending else { return false }
        return now >= Double(endedAt + SimulatedJob.assetLifetime)
    }

    /// Seconds between completion and asset expiry, as observed on the real API.
    static let assetLifetime: Int64 = 3600
}

/// How a simulated job ends.
public enum SimulatedOutcome: Sendable, Hashable {
    /// The job renders and ends `completed` with downloadable assets.
    case completed
    /// The job ends `failed` with this `error.code` and `error.message`.
    case failed(code: String, message: String)
}
