import Foundation
import GRDB
import JobStore
import Migrations
import TestSupport
import Testing

/// `JobDatabase.openReadOnly`, what `jobs`, `show`, reports, exports and `metrics` open: one read-only connection that
/// reads every commit, never migrates, and leaves the folder as it found it. These tests need no permissions: they
/// check that the opening itself creates and changes nothing (the permission cases run as another user end to end).
@Suite("Opening the database read-only", .enabled(if: TestBackend.isSQLite, "SQLite's own behaviour"))
struct ReadOnlyOpeningTests {
    @Test("with its -wal and -shm: reads the commits still in the -wal, creates no file, leaves the database and -wal byte for byte")
    func readsWALWithoutWriting() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1", "video_2"])
        let live = try JobDatabase(path: path)  // a writer that stays open, as a running sync does
        _ = try live.track([Poll.id("video_in_wal")], label: "late", at: Poll.t0)
        let before = try FolderState(folder.path)

        let reader = try JobDatabase.openReadOnly(path: path)
        #expect(try reader.jobs().map(\.videoID).sorted() == ["video_1", "video_2", "video_in_wal"])
        #expect(try reader.job(Poll.id("video_in_wal"))?.label == "late")
        _ = try reader.metrics(now: Poll.t0, window: .seconds(86_400))
        try expectUnchanged(folder.path, since: before)
        withExtendedLifetime(live) {}
    }

    @Test("without a -wal (checkpointed, -wal and -shm removed): reads everything and creates neither file", arguments: [false, true])
    func readsWithoutWALFile(emptyWALLeft: Bool) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1", "video_2"])
        try checkpointAndRemoveLog(path)
        if emptyWALLeft { try Data().write(to: URL(fileURLWithPath: path + "-wal")) }
        let before = try FolderState(folder.path)

        let reader = try JobDatabase.openReadOnly(path: path)
        #expect(try reader.jobs().map(\.videoID).sorted() == ["video_1", "video_2"])
        try expectUnchanged(folder.path, since: before)
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(FileManager.default.fileExists(atPath: path + "-wal") == emptyWALLeft)
    }

    @Test("a path with spaces, ?, # and % opens without a -wal too (the immutable URI is escaped)")
    func escapesImmutableURI() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("a b?c#d%20e ü/jobs.sqlite")
        try seed(path, ids: ["video_1"])
        try checkpointAndRemoveLog(path)
        let before = try FolderState((path as NSString).deletingLastPathComponent)
        #expect(try JobDatabase.openReadOnly(path: path).jobs().map(\.videoID) == ["video_1"])
        try expectUnchanged((path as NSString).deletingLastPathComponent, since: before)
    }

    @Test("a database in rollback-journal mode reads read-only and creates no file")
    func readsRollbackJournalDatabase() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1"])
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        try queue.close()
        let before = try FolderState(folder.path)
        #expect(try JobDatabase.openReadOnly(path: path).jobs().map(\.videoID) == ["video_1"])
        try expectUnchanged(folder.path, since: before)
    }

    @Test("a -wal with commits but no -shm: reads them (SQLite builds the -shm index where the folder allows it)")
    func readsWALWithoutIndex() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1"])
        let live = try JobDatabase(path: path)
        _ = try live.track([Poll.id("video_in_wal")], label: nil, at: Poll.t0)
        let copy = folder.file("copy/jobs.sqlite")
        try FileManager.default.createDirectory(atPath: folder.file("copy"), withIntermediateDirectories: false)
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix) }
        let database = try Data(contentsOf: URL(fileURLWithPath: copy))
        let log = try Data(contentsOf: URL(fileURLWithPath: copy + "-wal"))

        #expect(try JobDatabase.openReadOnly(path: copy).jobs().map(\.videoID).sorted() == ["video_1", "video_in_wal"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == database)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "-wal")) == log)
        withExtendedLifetime(live) {}
    }

    @Test("readers are not blocked by a write transaction in progress and see the last commit, then the next one")
    func readsWhileAWriterWrites() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1"])
        let writer = try DatabaseQueue(path: path)
        defer { try? writer.close() }
        let reader = try JobDatabase.openReadOnly(path: path)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "UPDATE job SET label = 'uncommitted'")
            #expect(try reader.jobs().map(\.label) == ["seed"])
            // The read ran on this thread inside the open write transaction: it cannot have waited for its commit.
            #expect(db.isInsideTransaction, "the read waited for the writer")
            try db.execute(sql: "COMMIT")
        }
        #expect(try reader.jobs().map(\.label) == ["uncommitted"])
    }

    @Test("a database that needs a migration is refused, not migrated, and left as it was; a writer then migrates it", arguments: [false, true])
    func refusesOlderSchema(emptyFile: Bool) throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        let known = JobDatabase.knownSchemaVersion
        var found = 0
        if emptyFile {
            try Data().write(to: URL(fileURLWithPath: path))
        } else {
            // The schema of the soratrack before the newest migration.
            let older = Migrations.all.sorted { $0.name < $1.name }.dropLast()
            var migrator = DatabaseMigrator()
            for migration in older { migrator.registerMigration(migration.name) { try $0.execute(sql: migration.sql) } }
            let queue = try DatabaseQueue(path: path)
            try migrator.migrate(queue)
            try queue.close()
            found = older.map { Int($0.name.prefix { $0.isNumber }) ?? 0 }.max() ?? 0
        }
        let before = try FolderState(folder.path)
        #expect(throws: JobDatabase.MigrationNeeded(path: path, found: found, known: known)) {
            _ = try JobDatabase.openReadOnly(path: path)
        }
        try expectUnchanged(folder.path, since: before)
        let message = JobDatabase.MigrationNeeded(path: path, found: found, known: known).description
        #expect(message.contains("run any writing command such as sync once with write access"))
        #expect(!message.contains("\n"))
        // A writer migrates it; then it opens read-only.
        _ = try JobDatabase(path: path)
        #expect(try JobDatabase.openReadOnly(path: path).appliedMigrations() == Migrations.all.map(\.name).sorted())
    }

    @Test("a newer schema, a missing file and a file that is not SQLite are refused as every command refuses them, creating nothing")
    func refusesWhatWritersRefuse() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1"])
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        try queue.close()
        var before = try FolderState(folder.path)
        #expect(throws: StoreError.newerSchema(path: path, found: 9999, known: JobDatabase.knownSchemaVersion)) {
            _ = try JobDatabase.openReadOnly(path: path)
        }
        try expectUnchanged(folder.path, since: before)

        let missing = folder.file("below/jobs.sqlite")
        #expect(throws: StoreError.missing(path: missing)) { _ = try JobDatabase.openReadOnly(path: missing) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("below")))

        let garbage = folder.file("garbage.sqlite")
        try Data("this is not a database, just some text that is long enough\n".utf8).write(to: URL(fileURLWithPath: garbage))
        before = try FolderState(folder.path)
        #expect(throws: StoreError.notADatabase(path: garbage)) { _ = try JobDatabase.openReadOnly(path: garbage) }
        try expectUnchanged(folder.path, since: before)
    }

    @Test("a database opened read-only refuses a write and the file stays as it was")
    func refusesWrites() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        try seed(path, ids: ["video_1"])
        let before = try FolderState(folder.path)
        let reader = try JobDatabase.openReadOnly(path: path)
        #expect(throws: StoreError.self) { _ = try reader.track([Poll.id("video_2")], label: nil, at: Poll.t0) }
        #expect(throws: StoreError.self) { try reader.vacuum() }
        try expectUnchanged(folder.path, since: before)
    }

    // MARK: - Helpers

    /// A database with `ids` tracked (label `seed`), closed again; its -wal and -shm stay, as a sync leaves them.
    private func seed(_ path: String, ids: [String]) throws {
        let db = try JobDatabase(path: path)
        _ = try db.track(ids.map(Poll.id), label: "seed", at: Poll.t0)
    }

    /// Folds the log into the file and deletes the -wal and -shm, as the sqlite3 shell leaves a database it closes.
    private func checkpointAndRemoveLog(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { _ = try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func expectUnchanged(_ folder: String, since before: FolderState, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let after = try FolderState(folder)
        #expect(after.names == before.names, "files created or removed", sourceLocation: sourceLocation)
        #expect(after.folderModified == before.folderModified, "the folder changed", sourceLocation: sourceLocation)
        for (name, file) in before.files where !name.hasSuffix("-shm") {
            #expect(after.files[name] == file, "\(name) changed", sourceLocation: sourceLocation)
        }
    }
}

/// The names in a folder, the folder's mtime, and the bytes and mtime of each file in it.
struct FolderState: Equatable {
    struct File: Equatable {
        var bytes: Data
        var modified: timespec
        static func == (a: File, b: File) -> Bool {
            a.bytes == b.bytes && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
        }
    }

    var names: [String]
    var folderModified: Int
    var files: [String: File]

    init(_ folder: String) throws {
        names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        folderModified = Self.modified(folder).tv_sec * 1_000_000_000 + Self.modified(folder).tv_nsec
        files = [:]
        for name in names {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[name] = File(bytes: try Data(contentsOf: URL(fileURLWithPath: path)), modified: Self.modified(path))
        }
    }

    static func == (a: FolderState, b: FolderState) -> Bool {
        a.names == b.names && a.folderModified == b.folderModified && a.files == b.files
    }

    private static func modified(_ path: String) -> timespec {
        var info = stat()
        guard stat(path, &info) == 0 else { return timespec() }
        return info.st_mtim
    }
}
