import Foundation
import GRDB

extension JobDatabase {
    /// Every row of `table` in id order, as plain values (`soratrack copy` reads a history through this).
    public func rows(of table: HistoryTable, _ body: ([HistoryValue]) throws -> Void) throws {
        let columns = table.columns.map { column in
            // Bodies travel as bytes whichever storage class SQLite gave them.
            table == .body && column == "content" ? "CAST(content AS BLOB)" : "\"\(column)\""
        }
        try stream(sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table.rawValue) ORDER BY id", arguments: []) { row in
            try body((0..<row.count).map { index in HistoryValue(row[index] as DatabaseValue) })
        }
    }

    /// Inserts the rows whose id is not there yet, in one transaction; returns how many were new.
    public func insertMissing(_ rows: [[HistoryValue]], into table: HistoryTable) throws(StoreError) -> Int {
        let columns = table.columns
        return try write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO \(table.rawValue) (\(columns.map { "\"\($0)\"" }.joined(separator: ", ")))
                    VALUES (\(databaseQuestionMarks(count: columns.count))) ON CONFLICT (id) DO NOTHING
                    """)
            var inserted = 0
            for row in rows {
                statement.setUncheckedArguments(StatementArguments(row.map(\.databaseValue)))
                try statement.execute()
                inserted += db.changesCount
            }
            return inserted
        }
    }
}

extension HistoryValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .integer(Int64(number))
        case .string(let text): self = .text(text)
        case .blob(let bytes): self = .bytes(bytes)
        }
    }

    /// The value SQLite stores: UTF-8 bytes as TEXT (as `storeBody` does, so `json_extract` works), others as a BLOB.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .bytes(let bytes): bytes.isValidUTF8 ? String(decoding: bytes, as: UTF8.self).databaseValue : bytes.databaseValue
        }
    }
}
