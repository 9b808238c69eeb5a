import Foundation
import TestSupport
import GRDB
import JobStore
import Testing
import VideoAPI
import VideoSimulator

/// Bad things on the local side: a file that is not a database, a folder that cannot be written, a schema from a newer
/// soratrack, a full disk, unreadable input files and ids that could escape a path or a URL.
@Suite("bad local input end to end", .serialized)
struct LocalInputTests {
    static let key = "sk-local-\(UUID().uuidString)"

    @Test("a garbage database file: every command exits 74 with one line and leaves the file as it was", .enabled(if: TestBackend.isSQLite, "a file"))
    func garbageDatabase() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: bench.database))
        let database = ["--db", bench.database]
        for arguments in [["show", "video_x"] + database, ["untrack", "video_x"] + database, ["watch"] + bench.flags,
                          ["jobs"] + database, ["sync"] + bench.flags, ["track", "--no-poll", "video_x"] + database] {
            let result = try await bench.runner.run(arguments)
            #expect(result.status == 74, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("not a soratrack database"), "\(arguments[0]): \(result.stderr)")
            expectOneLine(result, arguments[0])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: bench.database)) == garbage)
        #expect(bench.simulator.requests().isEmpty)
        await bench.simulator.stop()
    }

    @Test("a database in a folder that cannot be written: 73 for a new one, 73 or 74 for an existing one, one line each", .enabled(if: TestBackend.isSQLite, "a file"))
    func readOnlyFolder() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let folder = bench.runner.path("read-only")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)

        // An existing database, made while the folder could still be written.
        let existing = folder + "/jobs.sqlite"
        let ids = (0..<3).map { bench.simulator.createVideo(prompt: "ro \($0)").id }
        #expect(try await bench.runner.run(["track"] + ids + bench.flags(database: existing)).status == 0)
        _ = try Ledger(path: existing)  // opens and closes the file: the -wal and -shm files are gone
        let before = try Data(contentsOf: URL(fileURLWithPath: existing))
        let contents = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        try Unprivileged.makeReadOnly(folder: folder, ownedFiles: [existing])
        defer { Unprivileged.makeWritable(folder: folder) }

        for (database, what) in [(folder + "/new.sqlite", "a new database"), (folder + "/below/new.sqlite", "a new folder")] {
            for arguments in [["track", "--no-poll", "video_new"] + ["--db", database], ["sync"] + bench.flagsWithoutKeyFile(database: database)] {
                let result = try await bench.runner.run(arguments, through: Unprivileged.launcher, environment: bench.keyEnvironment)
                #expect(result.status == 73, "\(what), \(arguments[0]): exit \(result.status): \(result.stderr)")
                #expect(result.stderr.contains("cannot create"), "\(what), \(arguments[0]): \(result.stderr)")
                expectOneLine(result, "\(what), \(arguments[0])")
            }
        }
        for arguments in [["track", "--no-poll", "video_new"] + ["--db", existing], ["sync"] + bench.flagsWithoutKeyFile(database: existing),
                          ["watch"] + bench.flagsWithoutKeyFile(database: existing)] {
            let result = try await bench.runner.run(arguments, through: Unprivileged.launcher, environment: bench.keyEnvironment)
            #expect([73, 74].contains(result.status), "existing database, \(arguments[0]): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains(folder), "existing database, \(arguments[0]): \(result.stderr)")
            expectOneLine(result, "existing database, \(arguments[0])")
        }
        // A read-only command either reads or fails the same clear way.
        let jobs = try await bench.runner.run(["jobs", "--db", existing], through: Unprivileged.launcher, environment: bench.keyEnvironment)
        if jobs.status == 0 {
            #expect(jobs.stdout.contains(ids[0]))
        } else {
            #expect(jobs.status == 74, "\(jobs.stderr)")
            expectOneLine(jobs, "jobs")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == contents)
        #expect(bench.simulator.responses().count == 3, "nothing was polled from the read-only folder")
        await bench.simulator.stop()
    }

    @Test("a database written by a newer soratrack: exit 78 with one line, file bytes unchanged", .enabled(if: TestBackend.isSQLite, "a file"))
    func newerSchema() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let ids = (0..<2).map { bench.simulator.createVideo(prompt: "future \($0)").id }
        #expect(try await bench.runner.run(["track"] + ids + bench.flags).status == 0)
        let queue = try DatabaseQueue(path: bench.database)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: bench.database))
        let database = ["--db", bench.database]
        for arguments in [["sync"] + bench.flags, ["watch"] + bench.flags, ["track", "--no-poll", "video_more"] + database,
                          ["jobs"] + database, ["show", ids[0]] + database, ["untrack", ids[0]] + database] {
            let result = try await bench.runner.run(arguments)
            #expect(result.status == 78, "\(arguments[0]): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("newer soratrack"), "\(arguments[0]): \(result.stderr)")
            expectOneLine(result, arguments[0])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: bench.database)) == before)
        #expect(bench.simulator.responses().count == 2)
        await bench.simulator.stop()
    }

    @Test("disk full during a sync: exit 74 with one line, a sound file, every earlier snapshot intact", .enabled(if: TestBackend.isSQLite, "a file"))
    func diskFull() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        let ids = (0..<200).map { bench.simulator.createVideo(prompt: "full \($0)", durationSeconds: 3600).id }
        try ids.joined(separator: "\n").write(toFile: bench.runner.path("ids.txt"), atomically: true, encoding: .utf8)
        #expect(try await bench.runner.run(["track", "--from", bench.runner.path("ids.txt")] + bench.flags).status == 0)
        let earlier = try Ledger(path: bench.database)  // also folds the -wal into the file and removes it
        #expect(earlier.snapshotRows.count == 200)
        #expect(!FileManager.default.fileExists(atPath: bench.database + "-wal"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: bench.database)[.size] as? Int)

        // No file may grow past 8 KiB more than the database is now: the write-ahead log fills up after a few polls.
        bench.simulator.advance(by: 60)
        let blocks = size / 1024 + 8
        let result = try await bench.runner.run(
            ["sync", "--concurrency", "4"] + bench.flags, through: ["/bin/bash", "-c", "ulimit -f \(blocks); exec \"$0\" \"$@\""])
        #expect(result.status == 74, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("database error"), "\(result.stderr)")
        expectOneLine(result, "sync on a full disk")

        let after = try Ledger(path: bench.database)
        after.expectConsistent("after the failed write")
        #expect(Array(after.snapshotRows.prefix(earlier.snapshotRows.count)) == earlier.snapshotRows, "earlier snapshots changed")
        #expect(after.snapshotRows.count < 400, "the sync should have failed before recording every poll")
        print("disk full: limit \(blocks) KiB on a \(size)-byte database; \(after.snapshotRows.count - 200) polls recorded before the write failed")

        // Once there is room again, the next sync records the rest.
        bench.simulator.advance(by: 1)
        let again = try await bench.runner.run(["sync"] + bench.flags)
        #expect(again.status == 0, "\(again.stderr)")
        await bench.simulator.stop()
    }

    @Test("--from files with invalid UTF-8 or a 10 MB line: exit 65 with one line, nothing changes")
    func unreadableInputFiles() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        #expect(try await bench.runner.run(["track", "--no-poll", "video_keep"] + bench.flags).status == 0)
        let before = try TestBackend.storedBytes(bench.database)

        let binary = bench.runner.path("binary.txt")
        try Data("video_ok\n".utf8 + [0xFF, 0xFE, 0x20, 0x62, 0x61, 0x64, 0x0A]).write(to: URL(fileURLWithPath: binary))
        let long = bench.runner.path("long.txt")
        try Data("video_ok\n".utf8 + Data(repeating: UInt8(ascii: "a"), count: 10 << 20) + Data("\n".utf8))
            .write(to: URL(fileURLWithPath: long))

        for (file, words) in [(binary, "UTF-8"), (long, "longer than")] {
            let result = try await bench.runner.run(["track", "--from", file] + bench.flags)
            #expect(result.status == 65, "\(file): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains(file) && result.stderr.contains(words), "\(result.stderr.prefix(300))")
            #expect(result.stderr.utf8.count < 1000, "the message quotes the whole line")
            expectOneLine(result, file)
        }
        #expect(try TestBackend.storedBytes(bench.database) == before)
        #expect(try TestBackend.open(bench.database).jobs().map(\.videoID) == ["video_keep"])
        #expect(bench.simulator.requests().isEmpty)
        await bench.simulator.stop()
    }

    @Test("ids with spaces, control or non-ASCII characters, . or .., or nothing: exit 65 naming each, the database unchanged")
    func idsThatCouldEscape() async throws {
        let bench = try await Bench()
        defer { bench.runner.remove() }
        #expect(try await bench.runner.run(["track", "--no-poll", "video_keep"] + bench.flags).status == 0)
        let before = try TestBackend.storedBytes(bench.database)
        let bad = ["a b", "..", ".", "tab\there", "vidéo", "", "has space"]

        let arguments = try await bench.runner.run(["track", "video_ok"] + bad + bench.flags)
        #expect(arguments.status == 65)
        for id in bad where !id.isEmpty {
            #expect(arguments.stderr.contains(id.debugDescription), "\(id) not named in \(arguments.stderr)")
        }
        #expect(arguments.stderr.contains("empty"))
        #expect(arguments.stderr.split(separator: "\n").count == 1 + bad.count, "\(arguments.stderr)")
        #expect(!arguments.stderr.contains("Fatal error"))

        let file = bench.runner.path("ids.txt")
        try (["video_ok"] + bad.filter { !$0.isEmpty }).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try await bench.runner.run(["track", "--from", file] + bench.flags)
        #expect(fromFile.status == 65)
        for line in 2...bad.count {
            #expect(fromFile.stderr.contains("\(file) line \(line):"), "line \(line) not named in \(fromFile.stderr)")
        }

        let untrack = try await bench.runner.run(["untrack", "video_keep"] + bad + ["--db", bench.database])
        #expect(untrack.status == 65)
        #expect(untrack.stderr.contains("\"a b\""))

        #expect(try TestBackend.storedBytes(bench.database) == before)
        let jobs = try TestBackend.open(bench.database).jobs()
        #expect(jobs.map(\.videoID) == ["video_keep"] && jobs[0].tracking)
        #expect(bench.simulator.requests().isEmpty)
        await bench.simulator.stop()
    }
}

// MARK: - Helpers

extension LocalInputTests {
    /// A simulator whose clock only the test moves, and a folder with a key file.
    struct Bench {
        let simulator: VideoSimulator
        let runner: CommandRunner

        init() async throws {
            simulator = try await VideoSimulator.start(SimulatorConfiguration(seed: 5, speed: 0, apiKey: LocalInputTests.key))
            runner = CommandRunner()
            try #require(FileManager.default.createFile(
                atPath: runner.path("key"), contents: Data((LocalInputTests.key + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        }

        var database: String { runner.path("jobs.sqlite") }
        var flags: [String] { flags(database: database) }

        func flags(database: String) -> [String] {
            ["--db", database, "--base-url", simulator.baseURL.absoluteString, "--api-key-file", runner.path("key")]
        }

        /// The flags for a run whose key comes from `keyEnvironment`.
        func flagsWithoutKeyFile(database: String) -> [String] {
            ["--db", database, "--base-url", simulator.baseURL.absoluteString]
        }

        /// The key through the environment, for a user who may not read the key file.
        var keyEnvironment: [String: String] { ["SORATRACK_API_KEY": LocalInputTests.key] }

    }

    /// Checks that a failure said one line, in the tool's voice, without a crash report.
    func expectOneLine(_ result: CommandRunner.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(what): \(lines.count) lines on stderr: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("soratrack: "), "\(what): \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
        for crash in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace"] {
            #expect(!result.stderr.contains(crash), "\(what): \(crash) on stderr", sourceLocation: sourceLocation)
        }
    }

    /// Runs the child as an unprivileged user when the tests run as root (root ignores folder permissions).
    enum Unprivileged {
        static let nobody: uid_t = 65534
        static var isRoot: Bool { getuid() == 0 }

        /// `setpriv` to uid and gid 65534 as root; nothing otherwise.
        static var launcher: [String] {
            guard isRoot else { return [] }
            let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "setpriv"
            return [setpriv, "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--"]
        }

        /// Makes `folder` impossible to write for the child, and `ownedFiles` its own (readable and writable).
        static func makeReadOnly(folder: String, ownedFiles: [String]) throws {
            if isRoot {
                for file in ownedFiles {
                    guard chown(file, nobody, gid_t(nobody)) == 0 else { throw POSIXError(.EPERM) }
                }
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            } else {
                try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
            }
        }

        static func makeWritable(folder: String) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        }
    }
}
