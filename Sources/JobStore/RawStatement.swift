import Foundation
import GRDB
import GRDBSQLite

/// One cached statement bound and stepped through the SQLite C API.
///
/// Used on the poll-recording hot path only, where GRDB's per-call argument boxing costs more than
/// SQLite's own work. The statement stays owned and cached by GRDB; this runs inside GRDB's transaction.
///
/// A statement built from a column list (``init(insertInto:columns:in:)``, ``init(update:set:whereColumn:in:)``) knows
/// the name of each of its parameters: ``bind(_:as:)`` names the column it fills, and a debug build (every test
/// run) stops at the first bind whose name is not the parameter's, so the SQL and its binds cannot drift apart.
struct RawStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private var index: Int32 = 0
    /// The parameter names in order, for statements built from a column list; empty otherwise.
    private let parameters: [String]
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Prepares (or reuses) `sql` on `db` and clears any earlier bindings; reusable within one transaction.
    init(_ sql: String, parameters: [String] = [], in db: Database) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        self.parameters = parameters
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// `INSERT INTO table (columns…) VALUES (?, …)`: one parameter per column, named after it.
    init(insertInto table: String, columns: [String], in db: Database) throws {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try self.init(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))", parameters: columns, in: db)
    }

    /// `UPDATE table SET column = expression, … WHERE whereColumn = ?`: each `?` in an expression is a parameter named
    /// after its column (an expression holds at most one), then `whereColumn`.
    init(update table: String, set assignments: [(column: String, expression: String)], whereColumn: String, in db: Database) throws {
        let set = assignments.map { "\($0.column) = \($0.expression)" }.joined(separator: ", ")
        let names = assignments.filter { $0.expression.contains("?") }.map(\.column) + [whereColumn]
        try self.init("UPDATE \(table) SET \(set) WHERE \(whereColumn) = ?", parameters: names, in: db)
    }

    /// Binds the next parameter, which must be the one for `column`.
    mutating func bind(_ value: Int64?, as column: String) { expect(column); bind(value) }
    /// Binds the next parameter, which must be the one for `column`.
    mutating func bind(_ value: Int?, as column: String) { expect(column); bind(value) }
    /// Binds the next parameter, which must be the one for `column`.
    mutating func bind(_ value: Bool, as column: String) { expect(column); bind(value) }
    /// Binds the next parameter, which must be the one for `column`.
    mutating func bind(_ value: String?, as column: String) { expect(column); bind(value) }

    private func expect(_ column: String) {
        assert(Int(index) < parameters.count && parameters[Int(index)] == column,
            "parameter \(index + 1) is \(Int(index) < parameters.count ? parameters[Int(index)] : "not there"), not \(column)")
    }

    /// Binds the next parameter to an integer or NULL.
    mutating func bind(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds the next parameter to an integer or NULL.
    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    /// Binds the next parameter to 0 or 1.
    mutating func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    /// Binds the next parameter to a text or NULL.
    mutating func bind(_ value: String?) {
        index += 1
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        let handle = handle, index = index
        value.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Binds the next parameter to `bytes`, as TEXT when `asText` (valid UTF-8), else as a BLOB.
    mutating func bind(_ bytes: Data, asText: Bool) {
        index += 1
        let handle = handle, index = index
        bytes.withUnsafeBytes { buffer in
            // A zero-length blob needs a non-nil pointer, or SQLite stores NULL.
            let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            if asText {
                sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
            } else {
                sqlite3_bind_blob(handle, index, base, Int32(buffer.count), Self.transient)
            }
        }
    }

    /// Runs a statement that returns no row; the statement is then ready for new bindings.
    mutating func execute() throws {
        let code = sqlite3_step(handle)
        rewind()
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Runs a query and hands its first row (if any) to `read`; the statement is then ready for new bindings.
    mutating func firstRow<T>(_ read: (Columns) throws -> T) throws -> T? {
        defer { rewind() }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return try read(Columns(handle: handle))
        case SQLITE_DONE: return nil
        case let code: throw error(code)
        }
    }

    /// Reads the columns of the current row.
    struct Columns {
        fileprivate let handle: OpaquePointer

        /// The integer in column `column` (0 for NULL).
        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        /// The integer in column `column`, or nil for NULL.
        func optionalInt64(_ column: Int32) -> Int64? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }

        /// The text in column `column`, or nil for NULL.
        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(cString: bytes)
        }
    }

    private mutating func rewind() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        index = 0
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
    }
}

extension Data {
    /// Whether the bytes are valid UTF-8 (a fast pass for ASCII, the usual JSON body).
    var isValidUTF8: Bool {
        let ascii = withUnsafeBytes { buffer in buffer.allSatisfy { $0 < 0x80 } }
        return ascii || String(data: self, encoding: .utf8) != nil
    }
}
