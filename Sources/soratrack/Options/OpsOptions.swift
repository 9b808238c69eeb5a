import ArgumentParser
import Foundation
import SyncEngine
import VideoModel

/// `--metrics-file` and `--ping-url`: what `sync` tells monitoring (a Prometheus textfile, Healthchecks-style pings).
struct OpsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "After the sync, write Prometheus metrics to this file atomically (node_exporter textfile collector); a failure is a warning.",
            valueName: "path"))
    var metricsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Healthchecks-style ping URL: URL/start once the lock is taken, then URL on exit 0 or URL/<exit code>; a failed ping is a warning.",
            valueName: "url"))
    var pingURL: String?

    func validate() throws {
        if let metricsFile, metricsFile.isEmpty || metricsFile.hasSuffix("/") {
            throw ValidationError("--metrics-file must name a file, such as soratrack.prom")
        }
        if let pingURL {
            do {
                _ = try Heartbeat.validatedURL(pingURL)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// Runs `body` (a whole command, exit code included) between the heartbeat pings, then writes the metrics
    /// file; neither ever changes the exit code. A run that found the lock held (exit 75) does neither: the run
    /// holding the lock reports for itself.
    func around(database: DatabaseOptions, _ body: (OpsRun) async throws -> Void) async throws {
        let run = OpsRun(heartbeat: try pingURL.map { url throws(HeartbeatError) in try Heartbeat.live(url: url) })
        var failure: (any Error)?
        do {
            try await body(run)
        } catch {
            failure = error
        }
        let code = failure.map { error in
            (error as? ExitCode).map { ExitStatus(rawValue: $0.rawValue) ?? .partial } ?? ExitCodes.status(for: error)
        } ?? .ok
        if code != .locked {
            if let metricsFile { run.writeMetrics(database: database, to: metricsFile) }
            await run.finished(exitCode: code)
        }
        await run.close()
        if let failure { throw failure }
    }
}
