import JobStore

/// `report failures`: per group, how many jobs completed, failed or are still pending, and the failure rate.
public struct FailureReport: TabularReport, Sendable, Equatable {
    /// Groups sorted by name; with `--by none` always exactly one, `all`.
    public var groups: [GroupCounts]

    public static let columnNames = ["group", "total", "completed", "failed", "pending", "failure_rate"]

    /// Counts the jobs of `window` per group.
    public init(database: any HistoryStore, by grouping: JobGrouping, window: CreatedWindow) throws(StoreError) {
        self.init(groups: try database.failureCounts(by: grouping, window: window), by: grouping)
    }

    /// The report of counts already made.
    public init(groups: [GroupCounts], by grouping: JobGrouping) {
        self.groups = grouping == .none && groups.isEmpty
            ? [GroupCounts(group: "all", total: 0, completed: 0, failed: 0, pending: 0)] : groups
    }

    /// failed ÷ (completed + failed); nil when no job of the group finished.
    public static func failureRate(_ counts: GroupCounts) -> Double? {
        let finished = counts.completed + counts.failed
        return finished == 0 ? nil : Double(counts.failed) / Double(finished)
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        groups.map {
            [
                .text($0.group), .integer(Int64($0.total)), .integer(Int64($0.completed)), .integer(Int64($0.failed)),
                .integer(Int64($0.pending)), Self.failureRate($0).map(Cell.fraction) ?? .null,
            ]
        }
    }

    public var tableFooter: [String] {
        let total = groups.reduce(0) { $0 + $1.total }
        if total == 0 { return ["no jobs in this window"] }
        let other = groups.reduce(0) { $0 + $1.total - $1.completed - $1.failed - $1.pending }
        guard other > 0 else { return [] }
        return ["\(other) abandoned or not-found job\(other == 1 ? " is" : "s are") counted in total only"]
    }
}
