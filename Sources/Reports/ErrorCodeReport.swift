import JobStore

/// `report failures --by error_code`: failed jobs per error code and each code's share of all failures.
public struct ErrorCodeReport: TabularReport, Sendable, Equatable {
    /// Codes sorted by name (`unknown` for a null or empty code).
    public var codes: [ErrorCodeCount]
    /// All failures of the window.
    public var totalFailures: Int { codes.reduce(0) { $0 + $1.count } }

    public static let columnNames = ["error_code", "count", "share"]

    /// Counts the failed jobs of `window` per code.
    public init(database: any HistoryStore, window: CreatedWindow) throws(StoreError) {
        self.init(codes: try database.failuresByErrorCode(window: window))
    }

    /// The report of counts already made.
    public init(codes: [ErrorCodeCount]) {
        self.codes = codes
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        let total = Double(totalFailures)
        return codes.map { [.text($0.code), .integer(Int64($0.count)), .fraction(Double($0.count) / total)] }
    }

    public var tableFooter: [String] {
        totalFailures == 0 ? ["no failed jobs in this window"] : []
    }
}
