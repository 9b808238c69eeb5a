import Foundation
import GRDB
import JobStore
import Migrations
import TestSupport
import Testing
import VideoAPI

/// `jobs`, `show`, the reports, the exports and `metrics` on a history this user cannot write (a team's shared
/// database): they read it, and change nothing on disk. As root (which ignores permissions) the commands run as
/// uid 65534 through `setpriv`.
@Suite("read-only readers end to end", .serialized, .enabled(if: TestBackend.isSQLite, "SQLite's files"))
struct ReadOnlyReaderTests {
    /// Who may write what, and whether the -wal and -shm a sync leaves are beside the database.
    struct Case: Sendable, CustomTestStringConvertible {
        var fileWritable: Bool
        var folderWritable: Bool
        var logFiles: Bool

        var testDescription: String {
            "\(fileWritable ? "writable" : "read-only") file in a \(folderWritable ? "writable" : "read-only") folder, "
                + (logFiles ? "with its -wal and -shm" : "without -wal and -shm")
        }
    }

    static let cases = [
        Case(fileWritable: false, folderWritable: true, logFiles: true),
        Case(fileWritable: false, folderWritable: true, logFiles: false),
        Case(fileWritable: true, folderWritable: false, logFiles: true),
        Case(fileWritable: true, folderWritable: false, logFiles: false),
        Case(fileWritable: false, folderWritable: false, logFiles: true),
        Case(fileWritable: false, folderWritable: false, logFiles: false),
    ]

    /// "Now" for the reports: after every job below was created, before the completed one's link expires.
    static let now = "1773297100"

    /// Every read command, and a text its output must hold (the job committed last is only in the -wal when there is one).
    static let readers: [([String], String)] = [
        (["jobs"], "video_in_wal"),
        (["show", "video_in_wal"], "video_in_wal"),
        (["show", "video_done", "--format", "csv"], "completed"),
        (["report", "durations", "--format", "csv"], "all,1,100"),
        (["report", "failures", "--format", "csv"], "all,4,1,1,2,0.5"),
        (["report", "failures", "--by", "error_code", "--format", "csv"], "moderation_blocked,1,1"),
        (["report", "expiring", "--now", now, "--format", "csv"], "video_done"),
        (["report", "losses", "--now", now, "--format", "csv"], "all,1,0,0,"),
        (["export", "jobs"], "video_in_wal"),
        (["export", "snapshots", "--format", "ndjson"], "video_failed"),
        (["metrics", "--now", now], "soratrack_jobs{phase=\"completed\"} 1"),
    ]

    @Test("every read command reads and changes nothing on disk", .enabled(if: Unprivileged.available), arguments: cases)
    func readsWithoutWriting(_ setup: Case) async throws {
        let runner = CommandRunner()
        defer { Unprivileged.restore(runner.path("history")); runner.remove() }
        let database = try Self.history(in: runner, logFiles: setup.logFiles)
        let writer = setup.logFiles ? try Self.addJobToLog(database) : nil  // stays open, as a running sync would
        try Unprivileged.protect(folder: runner.path("history"), fileWritable: setup.fileWritable, folderWritable: setup.folderWritable)
        let before = try FolderSnapshot(runner.path("history"))

        for (arguments, expected) in Self.readers {
            let result = try await runner.run(arguments + ["--db", database], through: Unprivileged.launcher)
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): exit \(result.status): \(result.stderr)")
            #expect(result.stdout.contains(expected), "\(arguments.joined(separator: " ")): \(result.stdout.prefix(600))")
            #expect(result.stderr.isEmpty, "\(arguments.joined(separator: " ")): \(result.stderr)")
        }
        try FolderSnapshot(runner.path("history")).expectSame(as: before)
        withExtendedLifetime(writer) {}
    }

    @Test("a database that needs a migration: every reader exits 78 with one line and does not migrate it, even with write access")
    func refusesOlderSchema() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let database = runner.path("history/jobs.sqlite")
        try FileManager.default.createDirectory(atPath: runner.path("history"), withIntermediateDirectories: false)
        // The schema of the soratrack before the newest migration, with one job.
        let older = Migrations.all.sorted { $0.name < $1.name }.dropLast()
        var migrator = DatabaseMigrator()
        for migration in older { migrator.registerMigration(migration.name) { try $0.execute(sql: migration.sql) } }
        let queue = try DatabaseQueue(path: database)
        try migrator.migrate(queue)
        try await queue.write { try $0.execute(sql: "INSERT INTO job (video_id, first_seen_at, tracked_at) VALUES ('video_old', 1, 1)") }
        try queue.close()
        let before = try FolderSnapshot(runner.path("history"))

        for (arguments, _) in Self.readers {
            let result = try await runner.run(arguments + ["--db", database])
            let what = arguments.joined(separator: " ")
            #expect(result.status == 78, "\(what): exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("run any writing command such as sync once with write access"), "\(what): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(what): \(result.stdout)")
            expectOneLine(result, what)
        }
        try FolderSnapshot(runner.path("history")).expectSame(as: before)
        // A writing command migrates it; the readers then read it.
        let track = try await runner.run(["track", "--no-poll", "video_after", "--db", database])
        #expect(track.status == 0, "\(track.stderr)")
        let jobs = try await runner.run(["jobs", "--db", database])
        #expect(jobs.status == 0 && jobs.stdout.contains("video_old") && jobs.stdout.contains("video_after"), "\(jobs.stdout) \(jobs.stderr)")
    }

    @Test("a newer schema still exits 78 and a missing database still 74, one line each, creating nothing")
    func refusesNewerSchemaAndMissingDatabase() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let database = try Self.history(in: runner, logFiles: true)
        let queue = try DatabaseQueue(path: database)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        try queue.close()
        let before = try FolderSnapshot(runner.path("history"))
        let missing = runner.path("nowhere/jobs.sqlite")

        for (arguments, _) in Self.readers {
            let what = arguments.joined(separator: " ")
            let newer = try await runner.run(arguments + ["--db", database])
            #expect(newer.status == 78, "\(what): exit \(newer.status): \(newer.stderr)")
            #expect(newer.stderr.contains("newer soratrack"), "\(what): \(newer.stderr)")
            expectOneLine(newer, what)
            let absent = try await runner.run(arguments + ["--db", missing])
            #expect(absent.status == 74, "\(what): exit \(absent.status): \(absent.stderr)")
            #expect(absent.stderr.contains("no database at \(missing)"), "\(what): \(absent.stderr)")
            expectOneLine(absent, what)
        }
        try FolderSnapshot(runner.path("history")).expectSame(as: before)
        #expect(!FileManager.default.fileExists(atPath: runner.path("nowhere")))
    }

    @Test("a -wal holding commits without its -shm, in a folder that cannot be written: exit 74, one line that says what to do",
          .enabled(if: Unprivileged.available))
    func walWithoutIndexInReadOnlyFolder() async throws {
        let runner = CommandRunner()
        defer { Unprivileged.restore(runner.path("history")); runner.remove() }
        let database = try Self.history(in: runner, logFiles: true)
        let writer = try Self.addJobToLog(database)
        // A copy of the database and its -wal only, as a careless backup leaves them.
        let copy = runner.path("history/copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: database + suffix, toPath: copy + "/jobs.sqlite" + suffix) }
        withExtendedLifetime(writer) {}
        try Unprivileged.protect(folder: copy, fileWritable: true, folderWritable: false)
        let before = try FolderSnapshot(copy)

        let result = try await runner.run(["jobs", "--db", copy + "/jobs.sqlite"], through: Unprivileged.launcher)
        #expect(result.status == 74, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("-shm"), "\(result.stderr)")
        #expect(result.stderr.contains("copy the database together with its -wal and -shm files"), "\(result.stderr)")
        expectOneLine(result, "jobs")
        try FolderSnapshot(copy).expectSame(as: before)
        Unprivileged.restore(copy)
    }

    @Test("readers answer at once while a writer holds a write transaction, and show the last commit")
    func readsWhileAWriteIsInProgress() async throws {
        let runner = CommandRunner()
        defer { runner.remove() }
        let database = try Self.history(in: runner, logFiles: true)
        _ = try Self.addJobToLog(database)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // the write transaction stays open across the reads below
        let writer = try DatabaseQueue(path: database, configuration: configuration)
        defer { try? writer.close() }
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "UPDATE job SET label = 'uncommitted'")
        }
        for (arguments, expected) in Self.readers {
            let result = try await runner.run(arguments + ["--db", database])
            let what = arguments.joined(separator: " ")
            #expect(result.status == 0, "\(what): exit \(result.status): \(result.stderr)")
            #expect(result.stdout.contains(expected), "\(what): \(result.stdout.prefix(600))")
            #expect(!result.stdout.contains("uncommitted"), "\(what) saw an uncommitted write")
            // The write transaction stays open until after the loop: a reader that waited for it could not have ended.
            #expect(try await writer.writeWithoutTransaction { $0.isInsideTransaction }, "\(what) ended after the write transaction")
        }
        try await writer.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        #expect(try await runner.run(["jobs", "--db", database]).stdout.contains("uncommitted"))
    }

    // MARK: - Helpers

    /// A history in `history/jobs.sqlite`: a completed job, a failed one, a queued one and `video_in_wal` (added to
    /// the -wal by `addJobToLog` when the log files stay; otherwise already in the file, whose -wal and -shm are removed).
    static func history(in runner: CommandRunner, logFiles: Bool) throws -> String {
        let path = runner.path("history/jobs.sqlite")
        do {
            let db = try JobDatabase(path: path)
            _ = try db.track(["video_done", "video_failed", "video_open"].map { try VideoID(validating: $0) }, label: "seed", at: Date())
            _ = try db.record([
                try poll("video_done", status: "completed", progress: 100, completed: created + 100),
                try poll("video_failed", status: "failed", progress: 0, completed: created + 50,
                         error: #"{"code":"moderation_blocked","message":"blocked"}"#),
                try poll("video_open", status: "queued", progress: 0),
            ], runID: nil)
            if !logFiles { _ = try db.track([try VideoID(validating: "video_in_wal")], label: "seed", at: Date()) }
        }
        if !logFiles {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { _ = try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try queue.close()
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        return path
    }

    /// Tracks `video_in_wal` through a writer that stays open, so the commit sits in the -wal only.
    static func addJobToLog(_ path: String) throws -> JobDatabase {
        let db = try JobDatabase(path: path)
        _ = try db.track([try VideoID(validating: "video_in_wal")], label: "seed", at: Date())
        return db
    }

    static let created = 1_773_297_000

    static func poll(_ id: String, status: String, progress: Int, completed: Int? = nil, error: String = "null") throws -> PollAttempt {
        let json = """
            {"id":"\(id)","object":"video","model":"sora-2","status":"\(status)","progress":\(progress),"created_at":\(created),\
            "completed_at":\(completed.map(String.init) ?? "null"),"expires_at":\(completed.map { String($0 + 3600) } ?? "null"),\
            "prompt":"a cat","size":"1280x720","seconds":"4","remixed_from_video_id":null,"error":\(error)}
            """
        let body = Data(json.utf8)
        return PollAttempt(
            videoID: try VideoID(validating: id), attempt: 0, startedAt: Date(), finishedAt: Date(), httpStatus: 200,
            requestID: "req_\(id)", body: body, contentType: "application/json", video: try Video.decode(from: body))
    }

    func expectOneLine(_ result: CommandRunner.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(what): \(lines.count) lines on stderr: \(result.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("soratrack: "), "\(what): \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
    }

    /// Permissions that hold for the child: as root, ownership by uid 65534 (the child) or root; otherwise modes.
    enum Unprivileged {
        static let nobody: uid_t = 65534
        static var isRoot: Bool { getuid() == 0 }
        static var setpriv: String? { ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) } }
        static var available: Bool { !isRoot || setpriv != nil }

        static var launcher: [String] {
            guard isRoot, let setpriv else { return [] }
            return [setpriv, "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--"]
        }

        /// Makes the files in `folder` (and the folder itself) writable by the child or not; all stay readable.
        static func protect(folder: String, fileWritable: Bool, folderWritable: Bool) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let file = folder + "/" + name
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                try set(file, writable: fileWritable, mode: 0o644, readOnlyMode: 0o444)
            }
            try set(folder, writable: folderWritable, mode: 0o755, readOnlyMode: 0o555)
        }

        private static func set(_ path: String, writable: Bool, mode: mode_t, readOnlyMode: mode_t) throws {
            if isRoot {
                let owner = writable ? nobody : 0
                guard chown(path, owner, gid_t(owner)) == 0, chmod(path, mode) == 0 else { throw POSIXError(.EPERM) }
            } else {
                guard chmod(path, writable ? mode : readOnlyMode) == 0 else { throw POSIXError(.EPERM) }
            }
        }

        /// Lets the test remove the folder again.
        static func restore(_ folder: String) {
            chmod(folder, 0o755)
        }
    }
}

/// The names in a folder, its mtime, and each file's bytes and mtime; a -shm is compared by name only (it is SQLite's
/// shared-memory index: a reader that may write it records its read marks there).
struct FolderSnapshot {
    var names: [String]
    var folderModified: [Int]
    var files: [String: (Data, [Int])]

    init(_ folder: String) throws {
        names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        folderModified = Self.modified(folder)
        files = [:]
        for name in names where !name.hasSuffix("-shm") {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[name] = (try Data(contentsOf: URL(fileURLWithPath: path)), Self.modified(path))
        }
    }

    func expectSame(as before: FolderSnapshot, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(names == before.names, "files created or removed", sourceLocation: sourceLocation)
        #expect(folderModified == before.folderModified, "the folder's mtime changed", sourceLocation: sourceLocation)
        for (name, (bytes, modified)) in before.files {
            #expect(files[name]?.0 == bytes, "\(name) changed", sourceLocation: sourceLocation)
            #expect(files[name]?.1 == modified, "\(name)'s mtime changed", sourceLocation: sourceLocation)
        }
    }

    private static func modified(_ path: String) -> [Int] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        return [info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }
}
