import Foundation
import GRDB
import GRDBSQLite
import Migrations

extension JobDatabase {
    /// How a read-only opening reads the file, chosen from its header and the files beside it so that reading
    /// creates no file and changes neither the database nor its `-wal`, whoever owns them and the folder.
    enum ReadOnlyAccess: Sendable {
        /// A plain read-only connection with SQLite's usual locks: a rollback-journal file, or a WAL file whose `-wal`
        /// and `-shm` are both there. A sync may write meanwhile; the reader sees the last commit before its read began.
        case shared
        /// `immutable=1`: a WAL file with no `-wal` (or one without frames), so the file holds every commit. Opening it
        /// any other way would create the `-wal` and `-shm` (and fail where the folder cannot be written).
        case immutable
        /// A `-wal` with frames but no `-shm`: SQLite must build the `-shm` index to read the log, which only works
        /// where the folder can be written. Any writer would create it the same way.
        case needsIndex
    }

    /// A database opened by a command that only reads, whose schema is older than this binary's: readers never migrate.
    public struct MigrationNeeded: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// The newest migration applied to the file (0: an empty file, or no soratrack schema at all).
        public var found: Int
        /// The newest migration this binary knows.
        public var known: Int

        public init(path: String, found: Int, known: Int) {
            self.path = path
            self.found = found
            self.known = known
        }

        public var description: String {
            let what = found == 0 ? "has no soratrack schema yet" : "has schema \(found) and this soratrack reads schema \(known)"
            return "the database at \(path) \(what); commands that only read never change it: run any writing command such as sync once with write access to upgrade it; the file was left untouched"
        }
    }

    /// Opens an existing database for a command that only reads (`jobs`, `show`, reports, exports, `metrics`): one
    /// read-only connection, no migration, no file created beside it, so a history in a folder (or a file) this user
    /// cannot write reads as well as one the user owns.
    ///
    /// - Throws: `StoreError.missing` when there is no file, `.notADatabase`, `.newerSchema`, `.io` (unreadable, or
    ///   unreadable without writing beside it), and `MigrationNeeded` when the file needs a migration.
    public static func openReadOnly(path: String) throws -> JobDatabase {
        let header = try readHeader(path)
        if header.isEmpty { throw MigrationNeeded(path: path, found: 0, known: knownSchemaVersion) }
        guard header.starts(with: Data("SQLite format 3\u{0}".utf8)) else { throw StoreError.notADatabase(path: path) }
        // Bytes 18 and 19 are the write and read versions: 2 means WAL, 1 a rollback journal.
        let walMode = header.count >= 20 && (header[18] == 2 || header[19] == 2)
        let access = readOnlyAccess(path: path, walMode: walMode)

        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = false
        let connection: DatabaseQueue
        let applied: [String]
        do {
            connection = try DatabaseQueue(path: access == .immutable ? immutableURI(path) : path, configuration: configuration)
            applied = try connection.read { db in
                try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            }
        } catch {
            throw readOnlyError(error, path: path, access: access)
        }
        let known = Set(Migrations.all.map(\.name))
        if applied.contains(where: { !known.contains($0) }) {
            throw StoreError.newerSchema(path: path, found: applied.map(schemaNumber).max() ?? 0, known: knownSchemaVersion)
        }
        if Set(applied) != known {
            throw MigrationNeeded(path: path, found: applied.map(schemaNumber).max() ?? 0, known: knownSchemaVersion)
        }
        return JobDatabase(path: path, readOnly: connection, access: access)
    }

    /// The first 100 bytes of the file (fewer for a shorter file).
    private static func readHeader(_ path: String) throws(StoreError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .io(path: path, reason: "cannot read the file (\(String(cString: strerror(errno)))): check its permissions")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 100)
        let count = pread(fd, &bytes, bytes.count, 0)
        guard count >= 0 else {
            throw .io(path: path, reason: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        return Data(bytes[0..<count])
    }

    /// How to open the file so that reading it writes nothing (see `ReadOnlyAccess`).
    static func readOnlyAccess(path: String, walMode: Bool) -> ReadOnlyAccess {
        guard walMode else { return .shared }
        var wal = stat()
        let walExists = stat(path + "-wal", &wal) == 0
        let shmExists = access(path + "-shm", F_OK) == 0
        if walExists && shmExists { return .shared }
        // A log of 32 bytes or less is a header without frames: the file holds every commit.
        if walExists && wal.st_size > 32 { return .needsIndex }
        // Without URI file names (a compile-time option of SQLite) there is no immutable opening.
        return sqlite3_compileoption_used("USE_URI") != 0 ? .immutable : .shared
    }

    /// `file:` URI of `path` with `immutable=1`.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var encoded = ""
        for byte in absolute.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "file://" + encoded + "?immutable=1"
    }

    /// What went wrong reading a database opened read-only, in words that fit a reader (it never writes).
    static func readOnlyError(_ error: any Error, path: String, access mode: ReadOnlyAccess) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let databaseError = error as? DatabaseError else { return storeError(error, path: path) }
        switch databaseError.resultCode {
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR, .SQLITE_AUTH:
            let message = databaseError.message ?? "\(databaseError.resultCode)"
            for suffix in ["-wal", "-shm"] where access(path + suffix, F_OK) == 0 && access(path + suffix, R_OK) != 0 {
                return .io(path: path, reason: "cannot read \(path + suffix) (\(message)): give it the same read permission as the database")
            }
            if mode == .needsIndex {
                return .io(
                    path: path,
                    reason: "its -wal file holds changes that are not in the database file yet, and the -shm index SQLite needs to read them is missing and cannot be created here (\(message)): let a user who can write the folder run any soratrack command on it once, or copy the database together with its -wal and -shm files")
            }
            return .io(path: path, reason: "cannot read the database (\(message)): check the permissions of the file and of the -wal and -shm files beside it")
        case .SQLITE_CORRUPT where mode == .immutable:
            return .io(path: path, reason: "the database file is corrupt, or a sync started writing to it while it was read: run the command again")
        default:
            return storeError(error, path: path)
        }
    }
}
