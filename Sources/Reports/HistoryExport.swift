import JobStore

/// `export jobs|snapshots`: every row of the window streamed to a row writer, in constant memory.
public struct HistoryExport: Sendable {
    /// What is exported.
    public enum Kind: String, Sendable, CaseIterable {
        /// One row per job: its latest state (the columns of `jobs`).
        case jobs
        /// One row per poll attempt (the columns of the `show` timeline).
        case snapshots

        /// The column names, in order (docs/reports.md, Output columns).
        public var columns: [String] {
            switch self {
            case .jobs: return JobColumns.names
            case .snapshots: return SnapshotColumns.names
            }
        }
    }

    public var kind: Kind
    /// Jobs created in this window (snapshots: of those jobs).
    public var window: CreatedWindow

    /// An export of `kind` over `window`.
    public init(kind: Kind, window: CreatedWindow = .all) {
        self.kind = kind
        self.window = window
    }

    /// Streams every row to `writer` (which must already have its columns) and finishes it; returns the row count.
    @discardableResult
    public func write(from database: any HistoryStore, to writer: some RowWriter) throws -> Int {
        var count = 0
        switch kind {
        case .jobs:
            try database.exportJobs(window: window) { job in
                try writer.write(JobColumns.cells(job))
                count += 1
            }
        case .snapshots:
            var cells = [Cell](repeating: .null, count: SnapshotColumns.names.count)
            try database.exportSnapshots(window: window) { snapshot in
                SnapshotColumns.fill(&cells, with: snapshot)
                try writer.write(cells)
                count += 1
            }
        }
        try writer.finish()
        return count
    }
}
