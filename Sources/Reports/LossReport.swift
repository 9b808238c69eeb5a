import JobStore

/// `report losses`: per group, completed jobs, how many were downloaded, and how many expired before any successful
/// video download.
public struct LossReport: TabularReport, Sendable, Equatable {
    /// Groups sorted by name; with `--by none` always exactly one, `all`.
    public var groups: [LossCounts]

    public static let columnNames = ["group", "completed", "downloaded", "expired_undownloaded", "loss_rate"]

    /// Counts the completed jobs of `window` per group, expiry judged at `now` (unix seconds).
    public init(database: any HistoryStore, by grouping: JobGrouping, window: CreatedWindow, now: Int64) throws(StoreError) {
        self.init(groups: try database.lossCounts(by: grouping, window: window, now: now), by: grouping)
    }

    /// The report of counts already made.
    public init(groups: [LossCounts], by grouping: JobGrouping) {
        self.groups = grouping == .none && groups.isEmpty
            ? [LossCounts(group: "all", completed: 0, downloaded: 0, expiredUndownloaded: 0)] : groups
    }

    /// expired_undownloaded ÷ (downloaded + expired_undownloaded): the share of the videos whose fate is settled that
    /// were lost; nil when none is settled (every completed job still downloadable, or of unknown expiry).
    public static func lossRate(_ counts: LossCounts) -> Double? {
        let settled = counts.downloaded + counts.expiredUndownloaded
        return settled == 0 ? nil : Double(counts.expiredUndownloaded) / Double(settled)
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        groups.map {
            [
                .text($0.group), .integer(Int64($0.completed)), .integer(Int64($0.downloaded)),
                .integer(Int64($0.expiredUndownloaded)), Self.lossRate($0).map(Cell.fraction) ?? .null,
            ]
        }
    }

    public var tableFooter: [String] {
        let completed = groups.reduce(0) { $0 + $1.completed }
        if completed == 0 { return ["no completed jobs in this window"] }
        let pending = groups.reduce(0) { $0 + $1.completed - $1.downloaded - $1.expiredUndownloaded }
        guard pending > 0 else { return [] }
        return [
            "\(pending) completed job\(pending == 1 ? " is" : "s are") neither downloaded nor expired yet (not in the rate): "
                + "soratrack download ID, or sync --download-dir DIR",
        ]
    }
}
