import Foundation

/// Prometheus's own checker (`promtool check metrics`), used by tests when it is installed and skipped otherwise.
public enum Promtool {
    /// The executable found on `PATH`, if any.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True when `promtool` is on `PATH`.
    public static var isInstalled: Bool { executable != nil }

    /// Runs `promtool check metrics` on `text`: its exit status and everything it printed (lint problems).
    public static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        guard let executable else { return (-1, "promtool is not installed") }
        let folder = NSTemporaryDirectory() + "soratrack-promtool-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/input.prom", output = folder + "/output"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        process.waitUntilExit()
        try sink.close()
        return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
