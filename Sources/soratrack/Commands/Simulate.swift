import ArgumentParser
import Dispatch
import Foundation
import VideoSimulator

/// `soratrack simulate`: run the built-in fake Videos API on 127.0.0.1 and print its base URL.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the built-in fake Videos API on 127.0.0.1 and print its base URL.",
        discussion: """
            Prints one line, the base URL (http://127.0.0.1:PORT/v1), then serves until SIGINT or SIGTERM. \
            Control endpoints without auth: POST /_simulator/advance?seconds=N, GET /_simulator/responses, \
            GET /_simulator/health.
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

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard speed.isFinite, speed >= 0 else { throw ValidationError("--speed must be a number >= 0.") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1.") }
        guard SimulatorConfiguration.parseLatency(latency) != nil else {
            throw ValidationError("--latency must be a duration such as 200ms, 1s or 1.5s.")
        }
        if let pollAfterMs, pollAfterMs < 0 { throw ValidationError("--poll-after-ms must be >= 0.") }
        if let apiKey, apiKey.isEmpty { throw ValidationError("--api-key must not be empty.") }
    }

    func run() async throws {
        let settings = SimulatorConfiguration(
            seed: seed, speed: speed, apiKey: apiKey,
            latency: SimulatorConfiguration.parseLatency(latency) ?? .zero,
            failureRate: failureRate, pollAfterMs: pollAfterMs
        )
        let simulator = try await VideoSimulator.start(settings, port: port)
        // Written straight to the descriptor, so scripts reading the first line never wait on a buffer.
        FileHandle.standardOutput.write(Data((simulator.baseURL.absoluteString + "\n").utf8))
        await Simulate.untilTerminationSignal()
        await simulator.stop()
    }

    /// Returns at the first SIGINT or SIGTERM.
    private static func untilTerminationSignal() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
    }
}
