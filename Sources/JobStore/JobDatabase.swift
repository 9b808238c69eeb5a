import Foundation
import GRDB
import GRDBSQLite
import Migrations

/// The history database: opens (or creates) the SQLite file, runs the embedded migrations,
/// and offers intent-named reads and writes. Commands never see SQL.
public final class JobDatabase: HistoryStore {
    /// The file this database lives in.
    public let path: String
    public var location: String { path }
    /// One runner at a time: `sync` and `watch` take the lock file beside the database.
    public var sharesWork: Bool { false }
    /// Where reads go: the pool, or the one read-only connection of `openReadOnly(path:)`.
    let reader: any DatabaseReader
    /// Where writes go; nil when the database was opened read-only.
    let writer: DatabasePool?
    /// How a read-only opening reads the file; nil when opened for writing.
    let readOnlyAccess: ReadOnlyAccess?

    /// Opens the database at `path`, creating it (mode 0600, parent folders too) when missing.
    ///
    /// A file that is not SQLite, or was written by a newer schema, is refused and left untouched.
    public init(path: String) throws(StoreError) {
        self.path = path
        let fileManager = FileManager.default
        var applied: [String] = []
        if fileManager.fileExists(atPath: path) {
            applied = try Self.checkExistingFile(at: path)
        } else {
            try Self.createEmptyFile(at: path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // WAL + NORMAL is safe against a killed process (not against power loss mid-commit).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Keep the -wal file when the last connection closes: with it gone, every start-up (cron, each minute)
            // had to write a table into the database and drop it again to make a new one.
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // Up to date (the usual case on every cron run): no migrator, no write transaction.
            if Set(applied) != Set(Migrations.all.map(\.name)) {
                try Self.migrator.migrate(pool)
            }
            reader = pool
            writer = pool
            readOnlyAccess = nil
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// A database opened by `openReadOnly(path:)`: every read goes through `connection`, and nothing can write.
    init(path: String, readOnly connection: DatabaseQueue, access: ReadOnlyAccess) {
        self.path = path
        reader = connection
        writer = nil
        readOnlyAccess = access
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

    /// Refuses garbage and newer-schema files without writing a byte to them; returns the migrations applied.
    private static func checkExistingFile(at path: String) throws(StoreError) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot read the file (check its permissions)")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return [] }  // an empty file is an empty database
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw .notADatabase(path: path) }

        // The raw C API, not a GRDB queue: this runs on every start-up (cron every minute) and must be cheap.
        let applied = try appliedMigrationsReadOnly(at: path)
        let known = Set(Migrations.all.map(\.name))
        if applied.contains(where: { !known.contains($0) }) {
            let found = applied.map(schemaNumber).max() ?? 0
            throw StoreError.newerSchema(path: path, found: found, known: knownSchemaVersion)
        }
        return applied
    }

    /// The identifiers in `grdb_migrations`, read through a read-only connection that writes nothing.
    private static func appliedMigrationsReadOnly(at path: String) throws(StoreError) -> [String] {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            throw .io(path: path, reason: "cannot open the file read-only (check its permissions)")
        }
        sqlite3_busy_timeout(handle, 10_000)
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        let sql = "SELECT identifier FROM grdb_migrations"
        let prepared = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        if prepared != SQLITE_OK {
            let message = String(cString: sqlite3_errmsg(handle))
            if prepared == SQLITE_ERROR, message.contains("no such table") { return [] }  // a new, empty database
            throw rawError(code: prepared, message: message, path: path)
        }
        var identifiers: [String] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw rawError(code: step, message: String(cString: sqlite3_errmsg(handle)), path: path)
            }
            if let text = sqlite3_column_text(statement, 0) { identifiers.append(String(cString: text)) }
        }
        return identifiers
    }

    private static func rawError(code: Int32, message: String, path: String) -> StoreError {
        switch code & 0xFF {
        case SQLITE_NOTADB: .notADatabase(path: path)
        case SQLITE_CORRUPT: .io(path: path, reason: "the database file is corrupt")
        default: .io(path: path, reason: message)
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
        do {
            return try reader.read(body)
        } catch {
            if let readOnlyAccess { throw Self.readOnlyError(error, path: path, access: readOnlyAccess) }
            throw Self.storeError(error, path: path)
        }
    }

    /// Runs a write in one transaction (all or nothing).
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        let pool = try writablePool()
        do { return try pool.write(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// The pool writes go through; a database opened read-only has none.
    func writablePool() throws(StoreError) -> DatabasePool {
        guard let writer else { throw .io(path: path, reason: "this command opened the database read-only and cannot write to it") }
        return writer
    }
}

/// Conversions between `Date` and the integer times stored in the database.
public enum Timestamp {
    /// Unix milliseconds, as stored in local-time columns such as `polled_at`.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of a unix-milliseconds value.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
