import Foundation

/// Runs the built `soratrack` executable as a real process in a temporary folder (shared by the test targets).
public struct CommandRunner: Sendable {
    /// What a finished process left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder the test works in (database, key file, outputs).
    public let folder: String
    /// Environment for every run: a clean one, so the developer's own settings never leak in.
    public var environment: [String: String]

    /// Works in `folder`, or in a new temporary folder when nil.
    public init(folder: String? = nil) {
        self.folder = folder ?? NSTemporaryDirectory() + "soratrack-e2e-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "HOME": self.folder, "NO_COLOR": "1"]
    }

    /// A path inside the folder.
    public func path(_ name: String) -> String { folder + "/" + name }

    /// Deletes the folder.
    public func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// The executable built next to the test bundle (or `SORATRACK_BIN`).
    public static var executable: URL {
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

    /// Why the executable must not be run: it is older than an object file it is linked from, so it would test an
    /// old build (a test target built without relinking it). Nil when it is current, or given by `SORATRACK_BIN`.
    public static let staleness: String? = {
        if ProcessInfo.processInfo.environment["SORATRACK_BIN"] != nil { return nil }
        let binary = executable
        let files = FileManager.default
        guard let built = (try? files.attributesOfItem(atPath: binary.path))?[.modificationDate] as? Date else {
            return "no executable at \(binary.path): run swift build --build-tests"
        }
        let products = binary.deletingLastPathComponent()
        let modules = ["soratrack", "VideoAPI", "JobStore", "PostgresStore", "SyncEngine", "Reports", "VideoSimulator", "Demo", "Migrations"]
        for module in modules {
            let folder = products.appendingPathComponent(module + ".build")
            for name in (try? files.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".o") {
                let path = folder.appendingPathComponent(name).path
                if let date = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date, date > built {
                    return "\(binary.path) is older than \(module).build/\(name): run swift build --build-tests"
                }
            }
        }
        return nil
    }()

    /// The executable is older than what it is built from.
    public struct StaleExecutable: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `soratrack ARGS` and returns the running process with its output files.
    ///
    /// With a `launcher` (such as `setpriv …` or `bash -c 'ulimit …; exec "$0" "$@"'`) the process is the
    /// launcher's words, then the executable's path, then `arguments`; `extra` is added to the environment.
    public func start(
        _ arguments: [String], stdin: String? = nil, through launcher: [String] = [], environment extra: [String: String] = [:]
    ) throws -> RunningCommand {
        if let staleness = Self.staleness { throw StaleExecutable(description: staleness) }
        let process = Process()
        let words = launcher + [Self.executable.path] + (try Self.onBackend(arguments))
        process.executableURL = URL(fileURLWithPath: words[0])
        process.arguments = Array(words.dropFirst())
        process.environment = environment.merging(extra) { _, new in new }
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

    /// `arguments` with each `--db PATH` naming this pass's history for PATH (`TestBackend.location`): the path
    /// itself on SQLite, a PostgreSQL URL on the PostgreSQL pass.
    static func onBackend(_ arguments: [String]) throws -> [String] {
        guard TestBackend.current == .postgres else { return arguments }
        var mapped = arguments
        for index in mapped.indices.dropFirst() where mapped[index - 1] == "--db" && mapped[index].hasPrefix("/") {
            mapped[index] = try TestBackend.location(mapped[index])
        }
        return mapped
    }

    /// Runs `soratrack ARGS` to the end.
    @discardableResult
    public func run(
        _ arguments: [String], stdin: String? = nil, through launcher: [String] = [], environment extra: [String: String] = [:]
    ) async throws -> Result {
        try await start(arguments, stdin: stdin, through: launcher, environment: extra).wait()
    }
}

/// A started `soratrack` process.
public struct RunningCommand: @unchecked Sendable {
    /// The process, for its pid or to send it a signal.
    public let process: Process
    let exits: AsyncStream<Int32>
    /// Where its standard output and error go.
    public let outPath: String
    public let errPath: String

    /// Waits for the end without blocking the test's threads.
    public func wait() async throws -> CommandRunner.Result {
        var status: Int32 = -1
        for await code in exits { status = code }
        return CommandRunner.Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// Waits until `condition` holds, checking every 10 ms, failing after `seconds`.
public func waitUntil(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        if Date() > deadline { throw WaitTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A condition that did not come true in time.
public struct WaitTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }
}
