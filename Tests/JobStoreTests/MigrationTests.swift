import Foundation
import GRDB
import JobStore
import Migrations
import TestSupport
import Testing

@Suite("Opening the database", .enabled(if: TestBackend.isSQLite, "SQLite's own behaviour"))
struct MigrationTests {
    @Test("a new database gets every migration, its parent folders, and mode 0600")
    func createsNewDatabase() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("a/b/jobs.sqlite")
        let db = try JobDatabase(path: path)
        #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try db.counts() == HistoryCounts(jobs: 0, snapshots: 0, bodies: 0, runs: 0))
    }

    @Test("the embedded migrations are the files of Migrations/, every one, in order, byte for byte")
    func embeddedMigrationsMatchTheFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(Migrations.all.map { $0.name + ".sql" } == files)
        for (name, sql) in Migrations.all {
            let text = try String(contentsOf: folder.appending(path: name + ".sql"), encoding: .utf8)
            #expect(sql == text, "\(name)")
        }
    }

    @Test("the PostgreSQL migrations are the files of Migrations/PostgreSQL/, with the same names and numbers as SQLite's")
    func postgresMigrationsMatchTheFolderAndSQLite() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../Migrations/PostgreSQL")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pg.sql") }.sorted()
        #expect(Migrations.postgres.map { $0.name + ".pg.sql" } == files)
        for (name, sql) in Migrations.postgres {
            #expect(sql == (try String(contentsOf: folder.appending(path: name + ".pg.sql"), encoding: .utf8)), "\(name)")
        }
        #expect(Migrations.postgres.map(\.name) == Migrations.all.map(\.name))
    }

    @Test("re-opening keeps the data and runs nothing again")
    func reopenIsIdempotent() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        do {
            let db = try JobDatabase(path: path)
            _ = try db.track([Poll.id("video_1")], label: "x", at: Poll.t0)
        }
        let again = try JobDatabase(path: path)
        #expect(try again.appliedMigrations() == Migrations.all.map(\.name))
        #expect(try again.jobs().map(\.videoID) == ["video_1"])
    }

    @Test("a database from a newer schema is refused and left byte for byte as it was")
    func refusesNewerSchema() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        do {
            _ = try JobDatabase(path: path)
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path, found: 9999, known: JobDatabase.knownSchemaVersion)) {
            _ = try JobDatabase(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a file that is not SQLite is refused and left untouched")
    func refusesGarbage() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        let garbage = Data("this is not a database, just some text that is long enough\n".utf8)
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notADatabase(path: path)) { _ = try JobDatabase(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a folder that cannot be created is a cannotCreate error")
    func cannotCreate() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try Data("file".utf8).write(to: URL(fileURLWithPath: folder.file("plain")))
        let path = folder.file("plain/jobs.sqlite")
        do {
            _ = try JobDatabase(path: path)
            Issue.record("expected an error")
        } catch {
            guard case .cannotCreate = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test("the schema has the indexes sync and reports rely on")
    func indexes() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("jobs.sqlite")
        _ = try JobDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        let details = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT video_id FROM job WHERE tracking = 1 AND terminal = 0 ORDER BY id").map { $0["detail"] as String }
        }
        #expect(details.contains { $0.contains("job_open") })
        let journal = try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }
}
