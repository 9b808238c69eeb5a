import ArgumentParser
import Foundation
import VideoSimulator

extension Flavor: ExpressibleByArgument {}

/// `soratrack simulate`: run the built-in fake Videos API on 127.0.0.1 and print its base URL.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the built-in fake Videos API on 127.0.0.1 and print its base URL.",
        discussion: """
            Prints one line, the base URL (http://127.0.0.1:PORT/v1, or the flavour's base path), then serves until \
            SIGINT or SIGTERM. \
            Control endpoints without auth: POST /_simulator/advance?seconds=N, GET /_simulator/responses, \
            GET /_simulator/requests, POST /_simulator/videos (one scenario video), GET /_simulator/health. \
            The key is a command-line value here because the simulator is a local fake.

            --scenario loads a JSON file of videos with fixed ids, outcomes, scripted faults and proxy quirks; \
            --fault-rate gives each retrieve a random transient fault (429, 500, 502 HTML, 503, cut body, \
            closed connection), reproducible for a seed and an order of requests.

            --flavor answers as a gateway in front of the API does (base path, auth, ids, statuses, file, errors):
              openai      /v1, Bearer, video_… ids, OpenAI's errors (the default, as without --flavor)
              litellm     /v1, Bearer, ids video_+base64("litellm:…;video_id:…;deployment_id:…"); a polled id \
            without deployment_id is answered with it; a raw video_… id is a 400; bodies rebuilt (no prompt, \
            missing keys null, usage null); errors {"error":{"message":"litellm.<Class>: <Class>: OpenAIException - \
            <upstream body>","type":null,"param":null,"code":"<status>"}}; llm_provider-x-request-id and \
            llm_provider-retry-after instead of x-request-id and retry-after, x-litellm-call-id; no listing
              openrouter  /api/v1, Bearer, job-… ids, pending for queued, urls and unsigned_urls once completed, \
            content at /videos/{id}/content?index=0, errors {"error":{"code":<status>,"message":…}}
              together    /v1, Bearer, UUID ids, outputs.video_url once completed, no content endpoint, \
            errors {"error":{"message","type","code"}}
              azure       /openai/v1, the key in an api-key header (a Bearer token is a 401), OpenAI's shape
              comet       /v1, Bearer, video_url once completed, CometAPI's errors (401 and 403 bare \
            {"code":null,"message":…})
            Signed file links point at http://localhost:PORT/files/… (another host name than 127.0.0.1), need no \
            key, and serve the video's bytes; GET /_simulator/requests tells in auth_sent whether a key was sent.

            --rate-limit-rpm N puts a token bucket of --rate-limit-burst tokens (default 10), refilled at N per \
            minute of real time, on API requests: a request without a token gets 429 rate_limit_exceeded with \
            retry-after and retry-after-ms; every API answer carries x-ratelimit-limit-requests, \
            x-ratelimit-remaining-requests and x-ratelimit-reset-requests.
            --refuse prints a base URL whose port refuses every connection (held bound, never listening) and \
            waits for SIGINT or SIGTERM.
            --hang accepts connections and reads requests but never answers them; control endpoints still \
            answer, and the requests are logged as pending.

            Example:
              soratrack simulate --port 8080 --speed 60 --api-key sk-sim
              SORATRACK_BASE_URL=http://127.0.0.1:8080/v1 SORATRACK_API_KEY=sk-sim soratrack sync
              soratrack simulate --speed 60 --scenario faults.json --fault-rate 0.1 --jitter 50ms
              soratrack simulate --flavor litellm --rate-limit-rpm 60 --rate-limit-burst 5

            Exit codes: 0 stopped by SIGINT/SIGTERM, 64 bad flags, 65 bad scenario file, 1 the port cannot be bound.
            """
    )

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "Seed for video ids, job plans and request ids.")
    var seed: UInt64 = 1

    @Option(help: "Virtual seconds per real second; 0 moves the clock only through /_simulator/advance.")
    var speed: Double = 60

    @Option(help: "Share of jobs that end failed, from 0 to 1.")
    var failureRate: Double = 0.15

    @Option(help: "Delay before every response, such as 200ms or 1s.")
    var latency: String = "0ms"

    @Option(help: "Accept only this key, as a Bearer token or Azure's api-key (default: any non-empty key).")
    var apiKey: String?

    @Option(help: "Send openai-poll-after-ms with this value on retrieves of unfinished jobs.")
    var pollAfterMs: Int?

    @Option(help: ArgumentHelp("Load videos, scripted faults and quirks from this JSON file.", valueName: "file"))
    var scenario: String?

    @Option(help: "Share of retrieves, from 0 to 1, that get a random transient fault (seeded).")
    var faultRate: Double = 0

    @Option(help: "Extra delay before each response, uniform from 0 to this (seeded), such as 50ms.")
    var jitter: String = "0ms"

    @Flag(help: "Refuse every API request with 401 invalid_api_key.")
    var rejectAllKeys = false

    @Option(help: "Answer as this gateway: openai, litellm, openrouter, together, azure or comet.")
    var flavor: Flavor = .openai

    @Option(help: ArgumentHelp("Rate-limit API requests to this many per minute (token bucket, real time).", valueName: "n"))
    var rateLimitRpm: Int?

    @Option(help: ArgumentHelp("Requests the rate limit lets through at once (with --rate-limit-rpm).", valueName: "b"))
    var rateLimitBurst: Int = 10

    @Flag(help: "Print a base URL whose port refuses connections, and wait without serving.")
    var refuse = false

    @Flag(help: "Accept connections and read requests, but never answer them.")
    var hang = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard speed.isFinite, speed >= 0 else { throw ValidationError("--speed must be a number >= 0.") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1.") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1.") }
        guard SimulatorConfiguration.parseLatency(jitter) != nil else {
            throw ValidationError("--jitter must be a duration such as 50ms or 1s.")
        }
        guard SimulatorConfiguration.parseLatency(latency) != nil else {
            throw ValidationError("--latency must be a duration such as 200ms, 1s or 1.5s.")
        }
        if let pollAfterMs, pollAfterMs < 0 { throw ValidationError("--poll-after-ms must be >= 0.") }
        if let apiKey, apiKey.isEmpty { throw ValidationError("--api-key must not be empty.") }
        if let rateLimitRpm, rateLimitRpm < 1 { throw ValidationError("--rate-limit-rpm must be >= 1.") }
        guard rateLimitBurst >= 1 else { throw ValidationError("--rate-limit-burst must be >= 1.") }
        if refuse && hang { throw ValidationError("--refuse and --hang cannot be used together.") }
    }

    func run() async throws {
        try await ExitCodes.run {
            if refuse {
                let refusing = try RefusingPort.reserve(port: port)
                FileHandle.standardOutput.write(Data((refusing.baseURL(flavor: flavor).absoluteString + "\n").utf8))
                await TerminationSignals.wait()
                withExtendedLifetime(refusing) {}
                return .ok
            }
            let settings = SimulatorConfiguration(
                seed: seed, speed: speed, apiKey: apiKey,
                latency: SimulatorConfiguration.parseLatency(latency) ?? .zero,
                failureRate: failureRate, pollAfterMs: pollAfterMs,
                faultRate: faultRate, jitter: SimulatorConfiguration.parseLatency(jitter) ?? .zero,
                rejectAllKeys: rejectAllKeys, scenario: try scenario.map(Scenario.load(path:)),
                flavor: flavor, rateLimitRPM: rateLimitRpm, rateLimitBurst: rateLimitBurst, hang: hang
            )
            let simulator = try await VideoSimulator.start(settings, port: port)
            // Written straight to the descriptor, so scripts reading the first line never wait on a buffer.
            FileHandle.standardOutput.write(Data((simulator.baseURL.absoluteString + "\n").utf8))
            await TerminationSignals.wait()
            await simulator.stop()
            return .ok
        }
    }
}
