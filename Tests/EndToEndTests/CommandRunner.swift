import Foundation

/// Runs the built `soratrack` executable as a real process in a temporary folder.
struct CommandRunner {
    /// What a finished process left behind.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The folder the test works in (database, key file, outputs).
    let folder: String
    /// Environment for every run: a clean one, so the developer's own settings never leak in.
    var environment: [String: String]

    init() {
        folder = NSTemporaryDirectory() + "soratrack-e2e-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "HOME": folder, "NO_COLOR": "1"]
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// The executable built next to the test bundle (or `SORATRACK_BIN`).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["SORATRACK_BIN"] { return URL(fileURLWithPath: path) }
        let directory = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = directory.appendingPathComponent("soratrack")
        // On some layouts the test runner sits inside a bundle folder below the products folder.
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: candidate.path) {
            candidate = candidate.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("soratrack")
        }
        return candidate
    }

    /// Starts `soratrack ARGS` and returns the running process with its output files.
    func start(_ arguments: [String], stdin: String? = nil) throws -> RunningCommand {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let id = UUID().uuidString
        let outPath = path("out-\(id)"), errPath = path("err-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        if let stdin {
            let inPath = path("in-\(id)")
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let (exits, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { ended in
            continuation.yield(ended.terminationStatus)
            continuation.finish()
        }
        try process.run()
        return RunningCommand(process: process, exits: exits, outPath: outPath, errPath: errPath)
    }

    /// Runs `soratrack ARGS` to the end.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await start(arguments, stdin: stdin).wait()
    }
}

/// A started `soratrack` process.
struct RunningCommand: @unchecked Sendable {
    let process: Process
    let exits: AsyncStream<Int32>
    let outPath: String
    let errPath: String

    /// Waits for the end without blocking the test's threads.
    func wait() async throws -> CommandRunner.Result {
        var status: Int32 = -1
        for await code in exits { status = code }
        return CommandRunner.Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// Waits until `condition` holds, checking every 10 ms, failing after `seconds`.
func waitUntil(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        if Date() > deadline { throw WaitTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}
