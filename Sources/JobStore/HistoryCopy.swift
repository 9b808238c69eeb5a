import Foundation

/// Copies a whole history (bodies, jobs, runs, snapshots, downloads, create attempts; ids kept) from one store to
/// another, whichever backends they are, then checks that both hold the same number of rows of each kind.
///
/// A row whose id is already in the destination is left as it is, so copying again (after an interruption, or to
/// bring over what was added since) copies only what is missing. Claims are not copied: they belong to live runners.
public enum HistoryCopy {
    /// What a copy did.
    public struct Result: Sendable, Equatable {
        /// Rows inserted, per table.
        public var inserted: [HistoryTable: Int] = [:]
        /// Both histories' counts after the copy (equal).
        public var counts: HistoryCounts

        /// Rows inserted in all.
        public var total: Int { inserted.values.reduce(0, +) }
    }

    /// Copies `source` into `destination` in batches of `batchSize` rows (one transaction each).
    ///
    /// - Throws: `CopyError.sameHistory` for one history named twice, `CopyError.countsDiffer` when the destination
    ///   afterwards holds another number of rows than the source (it held another history), or the stores' errors.
    public static func copy(
        from source: any HistoryStore, to destination: any HistoryStore, batchSize: Int = 2000,
        progress: ((HistoryTable, Int) -> Void)? = nil
    ) throws -> Result {
        guard source.location != destination.location else { throw CopyError.sameHistory(source.location) }
        var inserted: [HistoryTable: Int] = [:]
        for table in HistoryTable.allCases {
            var batch: [[HistoryValue]] = []
            var count = 0
            func flush() throws {
                guard !batch.isEmpty else { return }
                count += try destination.insertMissing(batch, into: table)
                batch.removeAll(keepingCapacity: true)
                progress?(table, count)
            }
            try source.rows(of: table) { row in
                batch.append(row)
                if batch.count >= batchSize { try flush() }
            }
            try flush()
            inserted[table] = count
        }
        let expected = try source.counts()
        let found = try destination.counts()
        guard expected == found else { throw CopyError.countsDiffer(source: expected, destination: found, location: destination.location) }
        return Result(inserted: inserted, counts: found)
    }
}

/// Why a copy stopped.
public enum CopyError: Error, Sendable, Equatable, CustomStringConvertible {
    case sameHistory(String)
    case countsDiffer(source: HistoryCounts, destination: HistoryCounts, location: String)

    public var description: String {
        switch self {
        case .sameHistory(let location):
            return "--from and --to are the same history (\(location)): name another destination"
        case .countsDiffer(let source, let destination, let location):
            return "after the copy \(location) holds \(destination) but the source holds \(source): the destination held another history; copy into an empty database"
        }
    }
}
