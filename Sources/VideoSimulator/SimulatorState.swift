/// Everything the simulator knows, kept behind one lock: the clock, the jobs and the seeded counters.
struct SimulatorState: Sendable {
    let seed: UInt64
    let failureRate: Double
    var clock: VirtualClock
    var jobs: [String: SimulatedJob] = [:]
    private var createdCount: UInt64 = 0
    private var requestCount: UInt64 = 0
    private var controlCount: UInt64 = 0

    init(configuration: SimulatorConfiguration) {
        seed = configuration.seed
        failureRate = configuration.failureRate
        clock = VirtualClock(start: configuration.startTime.timeIntervalSince1970, speed: configuration.speed)
    }

    /// The next API request id: `req_` + 32 hex digits from the seed and a counter.
    mutating func nextRequestID() -> String {
        var random = SeededRandom(seed: seed, stream: .requestID, index: requestCount)
        requestCount += 1
        return "req_" + random.hex(bytes: 16)
    }

    /// A request id for control endpoints, from its own counter so they never shift the seeded API ids.
    mutating func nextControlRequestID() -> String {
        controlCount += 1
        return "req_simulator_\(controlCount)"
    }

    /// Creates and stores a job at virtual time `now` (unix seconds).
    mutating func createJob(
        prompt: String,
        model: String,
        seconds: String,
        size: String,
        remixedFrom: String? = nil,
        outcome: SimulatedOutcome? = nil,
        durationSeconds: Double? = nil,
        now: Double
    ) -> SimulatedJob {
        let index = createdCount
        createdCount += 1
        var random = SeededRandom(seed: seed, stream: .videoID, index: index)
        var id = "video_" + random.hex(bytes: 16)
        while jobs[id] != nil { id = "video_" + random.hex(bytes: 16) }
        let plan = JobPlan(
            seed: seed, index: index, model: model, seconds: seconds, size: size,
            failureRate: failureRate, outcome: outcome, durationSeconds: durationSeconds
        )
        let job = SimulatedJob(
            id: id, prompt: prompt, model: model, size: size, seconds: seconds,
            remixedFromVideoID: remixedFrom, createdAt: Int64(now.rounded(.down)), plan: plan
        )
        jobs[id] = job
        return job
    }

    /// The live (not deleted) job with this id.
    func liveJob(_ id: String) -> SimulatedJob? {
        guard let job = jobs[id], !job.isDeleted else { return nil }
        return job
    }
}
