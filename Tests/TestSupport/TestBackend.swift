import Crypto
import Foundation
import GRDB
import JobStore
import PostgresStore

/// The store the store, sync, report and end-to-end suites run against: SQLite, or PostgreSQL when
/// `SORATRACK_TEST_BACKEND=postgres` (the second pass of `make test`, on the throwaway server of
/// scripts/with-postgres.sh).
///
/// A test names its history by a SQLite path as it always has. On PostgreSQL each path stands for a database of its
/// own, made on first use, so a test and the `soratrack` processes it starts (`CommandRunner` turns `--db PATH` into
/// that database's URL) share one history. Tests of what only one backend has (the lock file, WAL, query plans,
/// file modes) run on SQLite alone: `.enabled(if: TestBackend.isSQLite)`.
public enum TestBackend: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    /// This pass's backend.
    public static let current: TestBackend =
        ProcessInfo.processInfo.environment["SORATRACK_TEST_BACKEND"] == "postgres" ? .postgres : .sqlite

    /// True on the SQLite pass (the tests of SQLite's own behaviour run only there).
    public static var isSQLite: Bool { current == .sqlite }

    public var description: String { rawValue }

    /// The `--db` value of the history a test keeps at `path`: the path on SQLite; on PostgreSQL the URL of the
    /// database that stands for it (the same one for the same path), created when missing.
    public static func location(_ path: String) throws -> String {
        guard current == .postgres else { return path }
        let name = "p_" + SHA256.hash(data: Data(path.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        try databases.make(name)
        guard let server = TestPostgres.server else { throw TestPostgres.Unavailable() }
        return "\(server)/\(name)?sslmode=disable"
    }

    /// Opens (migrating) the history at `path` on this pass's backend.
    public static func open(_ path: String) throws -> any HistoryStore {
        switch current {
        case .sqlite: return try JobDatabase(path: path)
        case .postgres: return try PostgresJobDatabase(url: PostgresURL(try location(path)))
        }
    }

    /// Everything stored for the history at `path`, to search for what must never be stored (an API key, a password):
    /// the file and its -wal on SQLite, a `pg_dump` of the database on PostgreSQL.
    public static func storedBytes(_ path: String) throws -> Data {
        switch current {
        case .sqlite:
            return try Data(contentsOf: URL(fileURLWithPath: path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        case .postgres:
            let url = try location(path)
            let dump = try TestPostgres.run("pg_dump", ["--no-owner", "-d", String(url.prefix { $0 != "?" })])
            // The dump's `\restrict KEY` lines carry a new random key each time; the rest is the data, in order.
            let lines = dump.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
            return Data(lines.joined(separator: "\n").utf8)
        }
    }

    private static let databases = Databases()

    /// The databases made so far in this process (creating one twice fails on the server).
    private final class Databases: @unchecked Sendable {
        private let lock = NSLock()
        private var made: Set<String> = []

        func make(_ name: String) throws {
            lock.lock()
            defer { lock.unlock() }
            guard !made.contains(name) else { return }
            guard let server = TestPostgres.server else { throw TestPostgres.Unavailable() }
            if try TestPostgres.psql(server + "/postgres", "SELECT 1 FROM pg_database WHERE datname = '\(name)'").isEmpty {
                try TestPostgres.psql(server + "/postgres", "CREATE DATABASE \(name)")
            }
            made.insert(name)
        }
    }
}

extension TestBackend {
    /// The rows `sql` selects from the history at `path`, read the way a user would: GRDB on SQLite, `psql` on
    /// PostgreSQL. The SQL must mean the same in both dialects.
    public static func rows(_ path: String, _ sql: String) throws -> [TestRow] {
        switch current {
        case .sqlite:
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    TestRow(columns: Array(row.columnNames), values: row.databaseValues.map { value in
                        switch value.storage {
                        case .null: nil
                        case .int64(let number): String(number)
                        case .double(let number): String(number)
                        case .string(let text): text
                        case .blob(let data): String(decoding: data, as: UTF8.self)
                        }
                    })
                }
            }
        case .postgres:
            let url = String(try location(path).prefix { $0 != "?" })
            let field = "\u{1F}", record = "\u{1E}", null = "\u{1}"
            let output = try TestPostgres.run(
                "psql", ["-X", "-q", "-A", "-v", "ON_ERROR_STOP=1", "-F", field, "-R", record, "-P", "null=" + null,
                         "-P", "footer=off", "-d", url, "-c", sql])
            var records = output.components(separatedBy: record)
            guard !records.isEmpty else { return [] }
            let columns = records.removeFirst().components(separatedBy: field)
            return records.map { line in
                TestRow(columns: columns, values: line.components(separatedBy: field).map { $0 == null ? nil : $0 })
            }
        }
    }
}

/// One row of `TestBackend.rows`, read by column index or name as the type the test asks for
/// (`row[0] as Int`, `row["status"] as String?`).
public struct TestRow: Sendable, CustomStringConvertible {
    public let columns: [String]
    public let values: [String?]

    public subscript<Value: TestValue>(_ index: Int) -> Value { Value(text: values[index]) }

    public subscript<Value: TestValue>(_ name: String) -> Value {
        guard let index = columns.firstIndex(of: name) else { preconditionFailure("no column \(name) in \(columns)") }
        return Value(text: values[index])
    }

    public var description: String {
        "[" + zip(columns, values).map { "\($0):\($1 ?? "NULL")" }.joined(separator: " ") + "]"
    }
}

/// What a `TestRow` cell can be read as.
public protocol TestValue {
    init(text: String?)
}

extension String: TestValue {
    public init(text: String?) { self = text ?? "" }
}

extension Int: TestValue {
    public init(text: String?) { self = text.flatMap { Int($0) } ?? 0 }
}

extension Int64: TestValue {
    public init(text: String?) { self = text.flatMap { Int64($0) } ?? 0 }
}

extension Int32: TestValue {
    public init(text: String?) { self = text.flatMap { Int32($0) } ?? 0 }
}

extension Bool: TestValue {
    public init(text: String?) { self = text == "1" || text == "t" || text == "true" }
}

extension Double: TestValue {
    public init(text: String?) { self = text.flatMap { Double($0) } ?? 0 }
}

extension Optional: TestValue where Wrapped: TestValue {
    public init(text: String?) { self = text.map { Wrapped(text: $0) } }
}
