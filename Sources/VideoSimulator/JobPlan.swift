/// How one job will unfold: time spent queued, time spent running, and how it ends, all drawn from the seed.
struct JobPlan: Sendable, Hashable {
    /// Seconds from creation until the job starts running.
    var queueSeconds: Int64
    /// Seconds from starting to run until the job ends (zero: it ends as soon as it leaves the queue).
    var runSeconds: Int64
    /// The ending the job reaches.
    var ending: Ending

    /// How a job ends; a failed job keeps the progress it had reached.
    enum Ending: Sendable, Hashable {
        case completed
        case failed(code: String, message: String, progress: Int)
    }

    /// Failure kinds drawn for seeded failures, with their share of all failures.
    static let failureKinds: [(code: String, message: String, share: Double)] = [
        ("moderation_blocked", "Your request was blocked by our moderation system.", 0.5),
        ("generation_failed", "Video generation failed. Try again, or change the prompt.", 0.35),
        ("internal_error", "The server had an error while generating this video.", 0.15),
    ]

    /// The plan of job number `index` under `seed`; `outcome` and `durationSeconds` override the seeded choices.
    init(
        seed: UInt64,
        index: UInt64,
        model: String,
        seconds: String,
        size: String,
        failureRate: Double,
        outcome: SimulatedOutcome?,
        durationSeconds: Double?
    ) {
        // Every draw is made in the same order whatever is forced, so a plan depends only on seed and index.
        var random = SeededRandom(seed: seed, stream: .jobPlan, index: index)
        let queueDraw = random.uniform(5...30)
        let renderDraw = random.uniform(30...60)
        let failDraw = random.unit()
        let kindDraw = random.unit()
        let fractionDraw = random.uniform(0.2...0.9)
        let splitDraw = random.uniform(0.1...0.3)

        let failure: (code: String, message: String)?
        switch outcome {
        case .completed: failure = nil
        case .failed(let code, let message): failure = (code, message)
        case nil: failure = failDraw < failureRate ? JobPlan.failureKind(kindDraw) : nil
        }
        let blocked = failure?.code == "moderation_blocked"
        let failedProgress = blocked ? 0 : 1 + Int(98 * fractionDraw)

        if let durationSeconds {
            let total = durationSeconds.isFinite ? max(0, Int64(durationSeconds.rounded())) : 0
            queueSeconds = Int64((Double(total) * splitDraw).rounded(.down))
            runSeconds = total - queueSeconds
        } else {
            let render = min(240, max(30, renderDraw * JobPlan.slowdown(model: model, seconds: seconds, size: size)))
            queueSeconds = Int64(queueDraw.rounded())
            if failure == nil {
                runSeconds = Int64(render.rounded())
            } else {
                // Moderation rejects a job as it leaves the queue; other failures happen part-way through.
                runSeconds = blocked ? 0 : max(1, Int64((render * fractionDraw).rounded()))
            }
        }
        ending = failure.map { .failed(code: $0.code, message: $0.message, progress: failedProgress) } ?? .completed
    }

    /// How much longer than a 4-second `sora-2` clip a job takes: longer clips, `pro` models and large sizes are slower.
    static func slowdown(model: String, seconds: String, size: String) -> Double {
        let clip = Double(seconds) ?? 4
        let length = max(1, 1 + (clip - 4) / 8)
        let modelFactor = model.contains("pro") ? 1.6 : 1
        let pixels = size.split(separator: "x").compactMap { Double($0) }.reduce(1, *)
        let sizeFactor = pixels > 1280 * 720 ? 1.25 : 1
        return length * modelFactor * sizeFactor
    }

    private static func failureKind(_ draw: Double) -> (code: String, message: String) {
        var remaining = draw
        for kind in failureKinds {
            if remaining < kind.share { return (kind.code, kind.message) }
            remaining -= kind.share
        }
        let last = failureKinds[failureKinds.count - 1]
        return (last.code, last.message)
    }
}
