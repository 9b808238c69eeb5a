import ArgumentParser
import Foundation
import JobStore
import PostgresStore
import SyncEngine
import VideoModel

/// `--db PATH|URL`, then `SORATRACK_DB`, then `$XDG_DATA_HOME/soratrack/jobs.sqlite`. A `postgres://` or
/// `postgresql://` URL selects PostgreSQL; anything else is the path of an SQLite file.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The history: an SQLite file, or postgres://user@host:port/dbname (env SORATRACK_DB).", valueName: "path|url"))
    var db: String?

    /// Which store the flags, the environment and the defaults name.
    enum Backend {
        case sqlite(String)
        case postgres(PostgresURL)
    }

    /// The database path or URL after flags, environment and defaults (may hold a password: never print it).
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let db, !db.isEmpty { return db }
        if let db = environment["SORATRACK_DB"], !db.isEmpty { return db }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("soratrack/jobs.sqlite")
    }

    /// The backend; a URL of another scheme (`mysql://…`) is refused rather than taken as a path, which would make
    /// folders named after it, password included.
    var backend: Backend {
        get throws {
            let value = path
            if PostgresURL.isPostgres(value) {
                do { return .postgres(try PostgresURL(value)) } catch { throw DatabaseURLError(description: error.description) }
            }
            if let url = Self.url(in: value) {
                throw DatabaseURLError(
                    description: "--db (or SORATRACK_DB) is the URL \(url); soratrack keeps its history in an SQLite file (a path) or PostgreSQL (postgres://…)")
            }
            return .sqlite(value)
        }
    }

    func validate() throws {
        do {
            _ = try backend
        } catch {
            FileHandle.standardError.write(Data("soratrack: \(error)\n".utf8))
            throw ExitCode(ExitStatus.config.rawValue)
        }
    }

    /// `value` with any password masked when it is a URL (`scheme://…`); nil for a path.
    static func url(in value: String) -> String? {
        guard let range = value.range(of: "://"), !value[..<range.lowerBound].isEmpty,
            value[..<range.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
            value.first?.isLetter == true
        else { return nil }
        return PostgresURL.mask(value)
    }

    /// Opens (creating the SQLite file, or the schema in PostgreSQL, when missing) the history.
    func open() throws -> any HistoryStore {
        switch try backend {
        case .sqlite(let path): try JobDatabase(path: path)
        case .postgres(let url): try PostgresJobDatabase(url: url)
        }
    }

    /// Opens an existing history for a command that only reads: never migrated, nothing created (an SQLite file in
    /// a folder this user cannot write reads as well; a PostgreSQL session is read-only).
    func openReadOnly() throws -> any HistoryStore {
        switch try backend {
        case .sqlite(let path): try JobDatabase.openReadOnly(path: path)
        case .postgres(let url): try PostgresJobDatabase(url: url, readOnly: true)
        }
    }

    /// Opens an existing history for a command that writes to it but must not create it.
    func openExisting() throws -> any HistoryStore {
        switch try backend {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
            return try JobDatabase(path: path)
        case .postgres(let url): return try PostgresJobDatabase(url: url)
        }
    }

    /// The lock file beside an SQLite history (one sync or watch at a time, exit 75); nil for PostgreSQL, where
    /// runners share the work through claims.
    func lock() throws -> SyncLock? {
        switch try backend {
        case .sqlite(let path): try SyncLock(databasePath: path)
        case .postgres: nil
        }
    }
}

/// A `--db` that names no usable history (exit 78).
struct DatabaseURLError: Error, CustomStringConvertible {
    var description: String
}
