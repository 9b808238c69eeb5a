import Foundation
import JobStore
import Logging
import Migrations
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The history in a PostgreSQL database (`--db postgres://…`): the same intent-named methods as `JobDatabase`, the
/// same tables (`Migrations/PostgreSQL/`), and claims so that several runners on several hosts share the work.
public final class PostgresJobDatabase: HistoryStore {
    /// The URL with its password masked.
    public let location: String
    /// Runners on any number of hosts may poll this history at once: they split the jobs through claims.
    public var sharesWork: Bool { true }
    let session: PostgresSession

    /// Connects, then migrates (under an advisory lock, so two hosts upgrading at once take turns) unless `readOnly`.
    ///
    /// - Throws: `.rejected` (login refused), `.unreachable`, `.newerSchema`; when `readOnly`, `.missing` for a
    ///   database without the schema and `JobDatabase.MigrationNeeded` for an older one.
    public init(url: PostgresURL, readOnly: Bool = false) throws {
        location = url.masked
        var logger = Logger(label: "soratrack.postgres")
        logger.logLevel = .critical
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try Self.configuration(url), id: 1, logger: logger
            ).wait()
        } catch {
            throw Self.storeError(error, location: url.masked)
        }
        session = PostgresSession(connection: connection, logger: logger)
        do {
            if readOnly {
                try session.script("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                let applied = try appliedMigrations()
                try Self.refuseNewer(applied, location: location)
                if applied.isEmpty { throw StoreError.missing(path: location) }
                let known = Self.knownSchemaVersion
                let found = applied.map(Self.schemaNumber).max() ?? 0
                if Set(applied) != Set(Migrations.postgres.map(\.name)) {
                    throw JobDatabase.MigrationNeeded(path: location, found: found, known: known)
                }
            } else {
                try migrate()
            }
        } catch {
            session.close()
            throw Self.storeError(error, location: location)
        }
    }

    deinit { session.close() }

    /// The newest schema version this binary knows (the same number as SQLite's).
    public static var knownSchemaVersion: Int { Migrations.postgres.map { schemaNumber($0.name) }.max() ?? 0 }

    static func schemaNumber(_ identifier: String) -> Int { Int(identifier.prefix { $0.isNumber }) ?? 0 }

    /// The migrations applied, in order (none for a database soratrack never opened).
    public func appliedMigrations() throws -> [String] {
        let exists = try session.one("SELECT to_regclass('soratrack_migrations') IS NOT NULL")?.int64(0) == 1
        guard exists else { return [] }
        return try session.query("SELECT identifier FROM soratrack_migrations ORDER BY identifier").compactMap { $0.text(0) }
    }

    /// Applies the missing migrations in one transaction holding `pg_advisory_xact_lock`: a second host migrating at
    /// the same moment waits, then finds nothing left to do.
    private func migrate() throws {
        let applied = try appliedMigrations()
        try Self.refuseNewer(applied, location: location)
        if Set(applied) == Set(Migrations.postgres.map(\.name)) { return }  // the usual case: no lock, no write
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))")
            try session.script("CREATE TABLE IF NOT EXISTS soratrack_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let done = Set(try session.query("SELECT identifier FROM soratrack_migrations").compactMap { $0.text(0) })
            try Self.refuseNewer(Array(done), location: location)
            for migration in Migrations.postgres where !done.contains(migration.name) {
                try session.run(file: migration.sql)
                try session.query(
                    "INSERT INTO soratrack_migrations (identifier, applied_at) VALUES ($1, $2)",
                    [.text(migration.name), .integer(Timestamp.milliseconds(Date()))])
            }
        }
    }

    /// The advisory-lock key of migrations ("sora" in ASCII).
    static let migrationLock: Int64 = 0x736f_7261

    private static func refuseNewer(_ applied: [String], location: String) throws {
        let known = Set(Migrations.postgres.map(\.name))
        if applied.contains(where: { !known.contains($0) }) {
            throw StoreError.newerSchema(path: location, found: applied.map(schemaNumber).max() ?? 0, known: knownSchemaVersion)
        }
    }

    private static func configuration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if url.isUnixSocket {
            configuration = .init(unixSocketPath: url.socketPath, username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch url.sslMode {
            case .disable: tls = .disable
            case .prefer, .require:
                // libpq's prefer and require encrypt without checking the certificate; verify-full checks it and the name.
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .none
                let context = try NIOSSLContext(configuration: settings)
                tls = url.sslMode == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .fullVerification
                if let root = url.rootCertificate { settings.trustRoots = .file(root) }
                tls = .require(try NIOSSLContext(configuration: settings))
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// What went wrong, in words a user can act on, never with the password.
    static func storeError(_ error: any Error, location: String) -> any Error {
        if error is StoreError || error is JobDatabase.MigrationNeeded { return error }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState]
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            switch state {
            case "28P01", "28000": return StoreError.rejected(location: location, reason: message)
            case "3D000": return StoreError.unreachable(location: location, reason: message + "; create it first (createdb)")
            case .some(let state) where state.hasPrefix("57P") || state.hasPrefix("08"):
                return StoreError.unreachable(location: location, reason: message)
            case .some(let state) where state == "53100":
                return StoreError.io(path: location, reason: "the server's disk is full (\(message)); nothing of this write was kept")
            case .some: return StoreError.io(path: location, reason: message)
            case nil:
                switch error.code {
                case .connectionError, .serverClosedConnection, .sslUnsupported, .failedToAddSSLHandler, .uncleanShutdown:
                    let underlying = error.underlying.map { "\($0)" } ?? "\(error.code)"
                    return StoreError.unreachable(location: location, reason: underlying)
                default: return StoreError.io(path: location, reason: "\(error.code)")
                }
            }
        }
        if error is NIOSSLError { return StoreError.unreachable(location: location, reason: "TLS failed: \(error)") }
        if error is IOError || error is ChannelError || "\(type(of: error))".contains("Connect") {
            return StoreError.unreachable(location: location, reason: "\(error)")
        }
        return StoreError.io(path: location, reason: "\(error)")
    }

    /// Runs a read in one consistent snapshot.
    func read<T>(_ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        do { return try session.transaction(readOnly: true) { try body(session) } } catch { throw storeFailure(error) }
    }

    /// Runs a write in one transaction (all or nothing).
    func write<T>(_ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        do { return try session.transaction { try body(session) } } catch { throw storeFailure(error) }
    }

    func storeFailure(_ error: any Error) -> StoreError {
        (Self.storeError(error, location: location) as? StoreError) ?? .io(path: location, reason: "\(error)")
    }
}
