import Foundation

/// Runs the built `soratrack` executable as a process (for behaviour only a real process shows: exit codes, SIGKILL).
struct CommandProcess {
    /// What a finished process left behind.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let process = Process()
    let outPath: String
    let errPath: String

    /// The executable built next to the test bundle (or `SORATRACK_BIN`).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["SORATRACK_BIN"] { return URL(fileURLWithPath: path) }
        let directory = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = directory.appendingPathComponent("soratrack")
        for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: candidate.path) {
            candidate = candidate.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("soratrack")
        }
        return candidate
    }

    /// Starts `soratrack ARGS` in `folder` with a clean environment (output captured in files there).
    init(_ arguments: [String], in folder: TemporaryFolder) throws {
        let id = UUID().uuidString
        outPath = folder.file("stdout-\(id)")
        errPath = folder.file("stderr-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "NO_COLOR": "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
    }

    /// Runs `soratrack ARGS` to the end.
    static func run(_ arguments: [String], in folder: TemporaryFolder) throws -> Result {
        let command = try CommandProcess(arguments, in: folder)
        return command.waitForExit()
    }

    /// Waits for the process to end and reads what it printed.
    func waitForExit() -> Result {
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// Waits until `condition` holds, checking every millisecond; false when `seconds` pass first.
func waitFor(seconds: Double, _ condition: () -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        try await Task.sleep(for: .milliseconds(1))
    }
    return true
}
