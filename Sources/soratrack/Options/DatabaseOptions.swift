import ArgumentParser
import Foundation
import JobStore

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
