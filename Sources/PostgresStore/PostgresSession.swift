import Foundation
import JobStore
import Logging
import NIOCore
import PostgresNIO

/// One connection to the server, used by one statement sequence at a time; the store's synchronous methods wait on
/// its futures (the I/O runs on NIO's event loop, so a waiting caller never starves it).
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Serialises transactions: the snapshot writer's thread and the engine's tasks share the connection.
    private let lock = NSLock()

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs `sql` with `$1…` bound to `binds` and returns every row.
    @discardableResult
    func query(_ sql: String, _ binds: [HistoryValue] = []) throws -> [PostgresRecord] {
        let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(binds)), logger: logger).wait()
        return result.rows.map(PostgresRecord.init)
    }

    /// The first row of `sql`, if any.
    func one(_ sql: String, _ binds: [HistoryValue] = []) throws -> PostgresRecord? {
        try query(sql, binds).first
    }

    /// Runs one statement with no parameters.
    func script(_ sql: String) throws {
        _ = try connection.simpleQuery(sql).wait()
    }

    /// Runs a file of statements (a migration) one statement at a time: PostgresNIO sends each query as one
    /// prepared statement, which holds one command. Statements end with `;` at the end of a line, outside `$$` bodies.
    func run(file sql: String) throws {
        var statement = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.trimmingCharacters(in: .whitespaces)
            if code.hasPrefix("--") && statement.isEmpty { continue }
            statement += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, code.hasSuffix(";") {
                try script(statement)
                statement = ""
            }
        }
        if !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { try script(statement) }
    }

    /// Runs `body` in one transaction: all or nothing.
    func transaction<T>(readOnly: Bool = false, _ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try script(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
        do {
            let value = try body()
            try script("COMMIT")
            return value
        } catch {
            try? script("ROLLBACK")
            throw error
        }
    }

    /// Streams the rows of `sql` through a cursor, `batch` at a time, in one read-only transaction (a 2 000 000
    /// snapshot export never sits in memory).
    func stream(_ sql: String, _ binds: [HistoryValue] = [], batch: Int = 5000, _ body: (PostgresRecord) throws -> Void) throws {
        try transaction(readOnly: true) {
            try query("DECLARE soratrack_rows NO SCROLL CURSOR FOR " + sql, binds)
            while true {
                let rows = try query("FETCH \(batch) FROM soratrack_rows")
                for row in rows { try body(row) }
                if rows.count < batch { break }
            }
            try script("CLOSE soratrack_rows")
        }
    }

    func close() {
        try? connection.close().wait()
    }

    static func bindings(_ values: [HistoryValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .bytes(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return bindings
    }
}

/// One row of a result, read by column position or name into the plain values the store's types hold.
struct PostgresRecord: Sendable {
    let cells: [PostgresCell]

    init(_ row: PostgresRow) { cells = Array(row) }

    private func cell(_ column: String) -> PostgresCell {
        guard let cell = cells.first(where: { $0.columnName == column }) else { preconditionFailure("no column \(column)") }
        return cell
    }

    func int64(_ index: Int) -> Int64? { Self.integer(cells[index]) }
    func int64(_ column: String) -> Int64? { Self.integer(cell(column)) }
    func int(_ index: Int) -> Int? { int64(index).map { Int($0) } }
    func int(_ column: String) -> Int? { int64(column).map { Int($0) } }
    func text(_ index: Int) -> String? { Self.text(cells[index]) }
    func text(_ column: String) -> String? { Self.text(cell(column)) }
    func bytes(_ index: Int) -> Data? { cells[index].bytes.map { Data(buffer: $0) } }
    func bytes(_ column: String) -> Data? { cell(column).bytes.map { Data(buffer: $0) } }

    /// The cell as a copied value: integers (booleans as 0/1), text, or bytes.
    func value(_ index: Int) -> HistoryValue {
        let cell = cells[index]
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .bool, .numeric: return Self.integer(cell).map(HistoryValue.integer) ?? .null
        case .bytea: return bytes(index).map(HistoryValue.bytes) ?? .null
        default: return Self.text(cell).map(HistoryValue.text) ?? .null
        }
    }

    private static func integer(_ cell: PostgresCell) -> Int64? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .bool: return (try? cell.decode(Bool.self)).map { $0 ? 1 : 0 }
        case .numeric: return (try? cell.decode(String.self)).flatMap { Int64($0) ?? Double($0).map { Int64($0) } }
        default: return try? cell.decode(Int64.self)
        }
    }

    private static func text(_ cell: PostgresCell) -> String? {
        guard let bytes = cell.bytes else { return nil }
        if cell.dataType == .bytea { return String(decoding: Data(buffer: bytes), as: UTF8.self) }
        return (try? cell.decode(String.self)) ?? String(buffer: bytes)
    }
}

extension HistoryValue {
    /// A bound integer, or NULL.
    static func of(_ value: Int64?) -> HistoryValue { value.map(HistoryValue.integer) ?? .null }
    static func of(_ value: Int?) -> HistoryValue { value.map { .integer(Int64($0)) } ?? .null }
    static func of(_ value: Bool) -> HistoryValue { .integer(value ? 1 : 0) }
    /// A bound text, or NULL.
    static func of(_ value: String?) -> HistoryValue { value.map(HistoryValue.text) ?? .null }
    /// Bound bytes, or NULL.
    static func of(_ value: Data?) -> HistoryValue { value.map(HistoryValue.bytes) ?? .null }
}
