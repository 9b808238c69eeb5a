/// Everything the simulator knows, kept behind one lock: the clock, the jobs, their fault scripts and the seeded
/// counters.
struct SimulatorState: Sendable {
    let seed: UInt64
    let failureRate: Double
    let faultRate: Double
    /// Quirks applied to every job (configuration and scenario together).
    let globalQuirks: Set<Quirk>
    /// Lowercased prompt words that make a create answer a job already failed by moderation.
    let blockedTerms: [String]
    /// The gateway the ids and file links are shaped for.
    let flavor: Flavor
    /// The LiteLLM deployment hash appended to wrapped ids: 64 hex digits, fixed for a seed.
    let deploymentID: String
    var clock: VirtualClock
    var jobs: [String: SimulatedJob] = [:]
    /// Video ids by the token of their signed file link, in flavours that serve files.
    private(set) var fileTokens: [String: String] = [:]
    /// Scripted faults by video id; a finished script is removed.
    private var scripts: [String: FaultScript] = [:]
    /// Scripted faults of `GET /v1/videos/{id}/content` by video id; a finished script is removed.
    private var contentScripts: [String: FaultScript] = [:]
    private var createdCount: UInt64 = 0
    private var requestCount: UInt64 = 0
    private var retrieveCount: UInt64 = 0
    private var jitterCount: UInt64 = 0
    private var controlCount: UInt64 = 0

    init(configuration: SimulatorConfiguration) {
        seed = configuration.seed
        failureRate = configuration.failureRate
        faultRate = min(1, max(0, configuration.faultRate.isFinite ? configuration.faultRate : 0))
        globalQuirks = configuration.effectiveQuirks
        blockedTerms = configuration.effectiveBlockedTerms
        flavor = configuration.flavor
        var deployment = SeededRandom(seed: configuration.seed, stream: .deployment, index: 0)
        deploymentID = deployment.hex(bytes: 32)
        clock = VirtualClock(start: configuration.startTime.timeIntervalSince1970, speed: configuration.speed)
        let now = clock.now()
        for video in configuration.scenario?.videos ?? [] {
            _ = createJob(video, now: now)
        }
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

    /// The next seeded draw in `0..<1` for response jitter.
    mutating func nextJitter() -> Double {
        var random = SeededRandom(seed: seed, stream: .jitter, index: jitterCount)
        jitterCount += 1
        return random.unit()
    }

    /// The fault for the next retrieve of `id`: its script first, else a random transient one at `faultRate`.
    ///
    /// Every retrieve takes one random draw, scripted or not, so the draws depend only on the order of requests.
    mutating func nextFault(forRetrieveOf id: String) -> Fault? {
        var scripted: Fault?
        if !scripts.isEmpty, var script = scripts[id] {
            scripted = script.next()
            scripts[id] = script.isFinished ? nil : script
        }
        guard faultRate > 0 else { return scripted }
        var random = SeededRandom(seed: seed, stream: .fault, index: retrieveCount)
        retrieveCount += 1
        let hit = random.unit() < faultRate
        let pick = Fault.transient[Int(random.next() % UInt64(Fault.transient.count))]
        return scripted ?? (hit ? pick : nil)
    }

    /// Replaces the script of `id`: `faults` for its next retrieves, one each, then `thereafter` for every later one.
    mutating func script(_ id: String, faults: [Fault], thereafter: Fault?) {
        let script = FaultScript(faults, thereafter: thereafter)
        scripts[id] = script.isFinished ? nil : script
    }

    /// The scripted fault for the next content download of `id`, if any (downloads never draw random faults).
    mutating func nextFault(forContentOf id: String) -> Fault? {
        guard !contentScripts.isEmpty, var script = contentScripts[id] else { return nil }
        let fault = script.next()
        contentScripts[id] = script.isFinished ? nil : script
        return fault
    }

    /// Replaces the content script of `id`: `faults` for its next downloads, one each, then `thereafter` for every
    /// later one.
    mutating func scriptContent(_ id: String, faults: [Fault], thereafter: Fault?) {
        let script = FaultScript(faults, thereafter: thereafter)
        contentScripts[id] = script.isFinished ? nil : script
    }

    /// The quirks that shape `job`'s answers.
    func quirks(of job: SimulatedJob) -> Set<Quirk> {
        job.quirks.isEmpty ? globalQuirks : globalQuirks.union(job.quirks)
    }

    /// Creates and stores a scripted job at virtual time `now`.
    mutating func createJob(_ video: ScriptedVideo, now: Double) -> SimulatedJob {
        let job = createJob(
            prompt: video.prompt, model: video.model, seconds: video.seconds, size: video.size,
            outcome: video.outcome, durationSeconds: video.durationSeconds, id: video.id, quirks: video.quirks, now: now
        )
        script(job.id, faults: video.faults, thereafter: video.thereafter)
        scriptContent(job.id, faults: video.contentFaults, thereafter: video.contentThereafter)
        return job
    }

    /// Creates and stores a job at virtual time `now` (unix seconds); `id` nil draws one from the seed.
    mutating func createJob(
        prompt: String,
        model: String,
        seconds: String,
        size: String,
        remixedFrom: String? = nil,
        outcome: SimulatedOutcome? = nil,
        durationSeconds: Double? = nil,
        id fixedID: String? = nil,
        quirks: Set<Quirk> = [],
        now: Double
    ) -> SimulatedJob {
        let index = createdCount
        createdCount += 1
        var random = SeededRandom(seed: seed, stream: .videoID, index: index)
        var id = fixedID ?? flavor.drawVideoID(&random)
        while fixedID == nil, jobs[id] != nil { id = flavor.drawVideoID(&random) }
        let plan = JobPlan(
            seed: seed, index: index, model: model, seconds: seconds, size: size,
            failureRate: failureRate, outcome: outcome, durationSeconds: durationSeconds
        )
        var job = SimulatedJob(
            id: id, prompt: prompt, model: model, size: size, seconds: seconds,
            remixedFromVideoID: remixedFrom, createdAt: Int64(now.rounded(.down)), plan: plan
        )
        job.quirks = quirks
        if flavor == .litellm, fixedID == nil {
            job.wrappedID = LiteLLMVideoID(model: model, videoID: id, deploymentID: deploymentID).encoded
        }
        if flavor.servesFiles { fileTokens[FileLinks.token(seed: seed, videoID: id)] = id }
        jobs[id] = job
        return job
    }

    /// The stored id of the job a request path names, or nil when the gateway cannot route the id.
    ///
    /// LiteLLM routes a wrapped id (with or without its deployment) to its upstream id, and a fixed id as given; a raw
    /// upstream id does not route. Other flavours take the id as it is, known or not.
    func storedID(forPathID id: String) -> String? {
        guard flavor == .litellm else { return id }
        if let job = jobs[id], job.wrappedID == nil { return id }
        return LiteLLMVideoID(decoding: id)?.videoID
    }

    /// The stored id of a job named by either its public or its stored id (for the Swift API, which takes both).
    func storedID(forAnyID id: String) -> String {
        if jobs[id] != nil { return id }
        return LiteLLMVideoID(decoding: id)?.videoID ?? id
    }

    /// The ending of a job created with `prompt`: failed by moderation at once when it holds a blocked term, else nil
    /// (the seeded plan decides).
    func moderation(of prompt: String) -> (outcome: SimulatedOutcome, durationSeconds: Double)? {
        guard !blockedTerms.isEmpty else { return nil }
        let text = prompt.lowercased()
        guard blockedTerms.contains(where: { text.contains($0) }) else { return nil }
        return (.failed(code: "moderation_blocked", message: "Your request was blocked by our moderation system."), 0)
    }

    /// The live (not deleted) job with this id.
    func liveJob(_ id: String) -> SimulatedJob? {
        guard let job = jobs[id], !job.isDeleted else { return nil }
        return job
    }
}
