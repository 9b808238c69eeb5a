import ArgumentParser
import Foundation
import JobStore
import VideoModel

/// `--db PATH`, then `SORATRACK_DB`, then `$XDG_DATA_HOME/soratrack/jobs.sqlite`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history database (env SORATRACK_DB).", valueName: "path"))
    var db: String?

    /// The database path after flags, environment and defaults.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let db, !db.isEmpty { return db }
        if let db = environment["SORATRACK_DB"], !db.isEmpty { return db }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("soratrack/jobs.sqlite")
    }

    /// A database URL (`postgres://…`, any `scheme://`) is refused before anything is created: this soratrack keeps
    /// its history in an SQLite file, and a URL taken as a path would make folders named after it, password included.
    func validate() throws {
        guard let url = Self.url(in: path) else { return }
        FileHandle.standardError.write(Data(
            "soratrack: --db (or SORATRACK_DB) is the URL \(url); this soratrack keeps its history in an SQLite file: pass a file path\n".utf8))
        throw ExitCode(ExitStatus.config.rawValue)
    }

    /// `value` with any password masked when it is a URL (`scheme://…`); nil for a path.
    static func url(in value: String) -> String? {
        guard let range = value.range(of: "://"), !value[..<range.lowerBound].isEmpty,
            value[..<range.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
            value.first?.isLetter == true
        else { return nil }
        let rest = value[range.upperBound...]
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return value }
        return String(value[..<range.upperBound]) + rest[..<colon] + ":***" + rest[at...]
    }

    /// Opens (creating when missing) the database.
    func open() throws(StoreError) -> JobDatabase { try JobDatabase(path: path) }

    /// Opens an existing database for a command that only reads: read-only, never migrated, nothing created beside it
    /// (works in a folder, or on a file, this user cannot write).
    func openReadOnly() throws -> JobDatabase { try JobDatabase.openReadOnly(path: path) }

    /// Opens an existing database for a command that writes to it but must not create it.
    func openExisting() throws(StoreError) -> JobDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        return try JobDatabase(path: path)
    }
}
