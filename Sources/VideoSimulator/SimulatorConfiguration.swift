import Foundation

/// Settings of a simulator run.
public struct SimulatorConfiguration: Sendable {
    /// Determinism: the same seed, requests and clock steps give the same ids, plans and request ids.
    public var seed: UInt64 = 1
    /// Virtual seconds per real second; 0 means the clock only moves through `advance(by:)`.
    public var speed: Double = 1
    /// When nil, any non-empty Bearer token is accepted; otherwise the token must match exactly.
    public var apiKey: String? = nil
    /// Delay added before every response.
    public var latency: Duration = .zero
    /// Share of created jobs that end `failed` (decided per job from the seed).
    public var failureRate: Double = 0.15
    /// When set, retrieve responses for non-terminal jobs carry `openai-poll-after-ms` with this value.
    public var pollAfterMs: Int? = nil
    /// The virtual clock's reading at start.
    public var startTime: Date = Date()
    /// Share of retrieves (0–1) that get a random fault from ``Fault/transient``, drawn from the seed in request order.
    public var faultRate: Double = 0
    /// Extra delay before each response, uniform in `0...jitter`, drawn from the seed in request order.
    public var jitter: Duration = .zero
    /// Quirks applied to every video's answers.
    public var quirks: Set<Quirk> = []
    /// When true every API request is refused with 401 `invalid_api_key`.
    public var rejectAllKeys = false
    /// Videos, faults and settings to start with.
    public var scenario: Scenario? = nil
    /// How `GET /v1/videos` answers (a scenario's `listing` takes precedence).
    public var listing: ListingSupport = .supported
    /// Prompts holding one of these words (case-insensitive) create a job that is already `failed` with
    /// `moderation_blocked` in the create (or remix) answer, as the real API sometimes answers; with a scenario's
    /// `blocked_terms` too.
    public var blockedTerms: [String] = []
    /// The gateway the simulator answers as (base path, auth header, ids, bodies, errors, headers).
    public var flavor: Flavor = .openai
    /// When set, API requests go through a token bucket refilled at this many requests per minute of real time;
    /// a request without a token gets 429 `rate_limit_exceeded`, and every API answer carries the
    /// `x-ratelimit-*-requests` headers.
    public var rateLimitRPM: Int? = nil
    /// The size of the rate limit's bucket: how many requests may arrive at once (with ``rateLimitRPM``).
    public var rateLimitBurst: Int = 10
    /// When true every request but the control endpoints is read and never answered: the connection is held open
    /// until the client goes or the simulator stops.
    public var hang = false

    /// Settings with every default.
    public init() {}

    /// Settings with the given values; every argument has the default of the plain `init()`.
    public init(
        seed: UInt64 = 1,
        speed: Double = 1,
        apiKey: String? = nil,
        latency: Duration = .zero,
        failureRate: Double = 0.15,
        pollAfterMs: Int? = nil,
        startTime: Date = Date(),
        faultRate: Double = 0,
        jitter: Duration = .zero,
        quirks: Set<Quirk> = [],
        rejectAllKeys: Bool = false,
        scenario: Scenario? = nil,
        listing: ListingSupport = .supported,
        blockedTerms: [String] = [],
        flavor: Flavor = .openai,
        rateLimitRPM: Int? = nil,
        rateLimitBurst: Int = 10,
        hang: Bool = false
    ) {
        self.seed = seed
        self.speed = speed
        self.apiKey = apiKey
        self.latency = latency
        self.failureRate = failureRate
        self.pollAfterMs = pollAfterMs
        self.startTime = startTime
        self.faultRate = faultRate
        self.jitter = jitter
        self.quirks = quirks
        self.rejectAllKeys = rejectAllKeys
        self.scenario = scenario
        self.listing = listing
        self.blockedTerms = blockedTerms
        self.flavor = flavor
        self.rateLimitRPM = rateLimitRPM
        self.rateLimitBurst = rateLimitBurst
        self.hang = hang
    }

    /// The quirks of this configuration and of its scenario together.
    var effectiveQuirks: Set<Quirk> {
        guard let scenario else { return quirks }
        return quirks.union(scenario.quirks)
    }

    /// How listing answers: the scenario's setting when it has one, else this configuration's.
    var effectiveListing: ListingSupport {
        scenario?.listing ?? listing
    }

    /// The blocked terms of this configuration and of its scenario together, lowercased.
    var effectiveBlockedTerms: [String] {
        (blockedTerms + (scenario?.blockedTerms ?? [])).map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// Whether every key is refused, by this configuration or by its scenario.
    var effectiveRejectAllKeys: Bool {
        rejectAllKeys || scenario?.rejectAllKeys == true
    }

    /// Parses a latency such as `200ms`, `1.5s`, `2m` or a bare number of seconds; nil when malformed or negative.
    public static func parseLatency(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(trimmed)
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }
}
