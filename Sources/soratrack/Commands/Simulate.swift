import ArgumentParser
import Foundation
import VideoSimulator

/// `soratrack simulate`: run the built-in fake Videos API on 127.0.0.1 and print its base URL.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the built-in fake Videos API on 127.0.0.1 and print its base URL.",
        discussion: """
            Prints one line, the base URL (http://127.0.0.1:PORT/v1), then serves until SIGINT or SIGTERM. \
            Control endpoints without auth: POST /_simulator/advance?seconds=N, GET /_simulator/responses, \
            GET /_simulator/requests, POST /_simulator/videos (one scenario video), GET /_simulator/health. \
            The key is a command-line value here because the simulator is a local fake.

            --scenario loads a JSON file of videos with fixed ids, outcomes, scripted faults and proxy quirks; \
            --fault-rate gives each retrieve a random transient fault (429, 500, 502 HTML, 503, cut body, \
            closed connection), reproducible for a seed and an order of requests.

            Example:
              soratrack simulate --port 8080 --speed 60 --api-key sk-sim
              SORATRACK_BASE_URL=http://127.0.0.1:8080/v1 SORATRACK_API_KEY=sk-sim soratrack sync
              soratrack simulate --speed 60 --scenario faults.json --fault-rate 0.1 --jitter 50ms

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

    @Option(help: "Accept only this Bearer token (default: any non-empty token).")
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
    }

    func run() async throws {
        try await ExitCodes.run {
            let settings = SimulatorConfiguration(
                seed: seed, speed: speed, apiKey: apiKey,
                latency: SimulatorConfiguration.parseLatency(latency) ?? .zero,
                failureRate: failureRate, pollAfterMs: pollAfterMs,
                faultRate: faultRate, jitter: SimulatorConfiguration.parseLatency(jitter) ?? .zero,
                rejectAllKeys: rejectAllKeys, scenario: try scenario.map(Scenario.load(path:))
            )
            let simulator = try await VideoSimulator.start(settings, port: port)
            // Written straight to the descriptor, so scripts reading the first line never wait on a buffer.
            FileHandle.standardOutput.write(Data((simulator.baseURL.absoluteString + "\n").utf8))
            await TerminationSignals.wait()
            await simulator.stop()
            return 0
        }
    }
}
