import Foundation
import GRDB
import Migrations

/// The history database: opens (or creates) the SQLite file, runs the embedded migrations,
/// and offers intent-named reads and writes. Commands never see SQL.
public final class JobDatabase: Sendable {
    /// The file this database lives in.
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path`, creating it (mode 0600, parent folders too) when missing.
    ///
    /// A file that is not SQLite, or was written by a newer schema, is refused and left untouched.
    public init(path: String) throws(StoreError) {
        self.path = path
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: path) {
            try Self.checkExistingFile(at: path)
        } else {
            try Self.createEmptyFile(at: path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // WAL + NORMAL is safe against a killed process (not against power loss mid-commit).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// The schema version this binary knows (the number of the newest migration).
    public static var knownSchemaVersion: Int {
        Migrations.all.map { schemaNumber($0.name) }.max() ?? 0
    }

    /// The names of the migrations applied to this database, in order.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in Migrations.all {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    static func schemaNumber(_ identifier: String) -> Int {
        Int(identifier.prefix { $0.isNumber }) ?? 0
    }

    /// Refuses garbage and newer-schema files without writing a byte to them.
    private static func checkExistingFile(at path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot read the file (check its permissions)")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }  // an empty file is an empty database
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw .notADatabase(path: path) }

        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let applied = try queue.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            try queue.close()
            let known = Set(Migrations.all.map(\.name))
            let unknown = applied.filter { !known.contains($0) }
            if !unknown.isEmpty {
                let found = applied.map(schemaNumber).max() ?? 0
                throw StoreError.newerSchema(path: path, found: found, known: knownSchemaVersion)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw storeError(error, path: path)
        }
    }

    private static func createEmptyFile(at path: String) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].map { "\($0)" } ?? "permission denied or not a folder"
                throw .cannotCreate(path: path, reason: "cannot create the folder \(folder) (\(reason)): check its parent's permissions, or pass another --db")
            }
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .cannotCreate(path: path, reason: "\(String(cString: strerror(errno))): check the folder's permissions, or pass another --db")
        }
        close(fd)
    }

    static func storeError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return .notADatabase(path: path)
            case .SQLITE_FULL: return .io(path: path, reason: "the disk is full (nothing of this write was kept; earlier data is intact): free some space and run again")
            case .SQLITE_IOERR:
                return .io(path: path, reason: "could not write the file (\(error.message ?? "disk I/O error"); the disk may be full or a file-size limit reached): free some space and run again; earlier data is intact")
            case .SQLITE_CORRUPT: return .io(path: path, reason: "the database file is corrupt")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return .io(path: path, reason: "cannot write the database or its -wal/-shm files beside it (\(error.message ?? "\(error.resultCode)")): check the folder's permissions")
            default: return .io(path: path, reason: error.message ?? "\(error.resultCode)")
            }
        }
        return .io(path: path, reason: reasonText(error))
    }

    private static func reasonText(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }

    /// Runs a read in a snapshot of the database (never blocked by a writer).
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// Runs a write in one transaction (all or nothing).
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw Self.storeError(error, path: path) }
    }
}
