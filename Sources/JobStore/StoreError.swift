import Foundation

/// What can go wrong with the history database, in words a user can act on.
public enum StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The database file or its folder could not be created.
    case cannotCreate(path: String, reason: String)
    /// A command that only reads found no database file.
    case missing(path: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The database was written by a newer soratrack.
    case newerSchema(path: String, found: Int, known: Int)
    /// SQLite failed while reading or writing (corruption, disk full, permissions).
    case io(path: String, reason: String)
    /// The job is not in the database.
    case unknownJob(String)
    /// The database server refused the user name or password (the URL is shown with its password masked).
    case rejected(location: String, reason: String)
    /// The database server could not be reached (not running, wrong host or port, TLS refused).
    case unreachable(location: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "cannot create the database at \(path): \(reason)"
        case .missing(let path):
            return "no database at \(path): track some jobs first, or pass the right --db"
        case .notADatabase(let path):
            return "\(path) is not a soratrack database (not an SQLite file); it was left untouched: pass another --db"
        case .newerSchema(let path, let found, let known):
            return "the database at \(path) was written by a newer soratrack (schema \(found); this one knows \(known)): upgrade soratrack; the file was left untouched"
        case .io(let path, let reason):
            return "database error on \(path): \(reason)"
        case .unknownJob(let id):
            return "no job \(id) in the database: track it first"
        case .rejected(let location, let reason):
            return "the database server at \(location) refused the login (\(reason)): check the user and the password (URL, PGPASSWORD or ~/.pgpass)"
        case .unreachable(let location, let reason):
            return "cannot reach the database server at \(location) (\(reason)): check that it runs and the host, port and sslmode; nothing was recorded"
        }
    }
}
