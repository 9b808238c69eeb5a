import JobStore

/// `report durations`: count, mean, percentiles and maximum of job durations per group, and their histogram.
public struct DurationReport: TabularReport, Sendable, Equatable {
    /// The statistics of one group, in seconds (nil when the group is empty): `group.p50` and the others read them.
    @dynamicMemberLookup
    public struct Group: Sendable, Equatable {
        public var name: String
        public var statistics: SummaryStatistics

        /// The statistics of `sorted` durations (ascending).
        public init(name: String, sorted: [Int64]) {
            self.name = name
            statistics = SummaryStatistics(sorted: sorted.map(Double.init))
        }

        public subscript<T>(dynamicMember path: KeyPath<SummaryStatistics, T>) -> T { statistics[keyPath: path] }
    }

    /// Groups sorted by name; with `--by none` always exactly one, `all`.
    public var groups: [Group]
    /// Every duration of the report, bucketed.
    public var histogram: DurationHistogram
    /// What was measured, for the table's notes.
    public var status: DurationStatus

    public static let columnNames = ["group", "count", "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s"]

    /// Reads the durations of `window` (streamed, sorted by SQLite) and computes each group's statistics.
    public init(database: any HistoryStore, by grouping: JobGrouping, status: DurationStatus, window: CreatedWindow) throws {
        var groups: [(String, [Int64])] = []
        var current: String?
        var durations: [Int64] = []
        try database.durations(by: grouping, status: status, window: window) { group, seconds in
            if group != current {
                if let current { groups.append((current, durations)) }
                current = group
                durations.removeAll(keepingCapacity: true)
            }
            durations.append(seconds)
        }
        if let current { groups.append((current, durations)) }
        self.init(sortedGroups: groups, by: grouping, status: status)
    }

    /// The report of durations already grouped, each group sorted ascending and the groups sorted by name.
    public init(sortedGroups: [(name: String, durations: [Int64])], by grouping: JobGrouping, status: DurationStatus) {
        var groups = sortedGroups.map { Group(name: $0.name, sorted: $0.durations) }
        if grouping == .none && groups.isEmpty { groups = [Group(name: "all", sorted: [])] }
        self.groups = groups
        self.histogram = DurationHistogram(durations: sortedGroups.flatMap(\.durations))
        self.status = status
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        groups.map { group in
            [.text(group.name)] + group.statistics.cells
        }
    }

    public var tableFooter: [String] {
        let what = status == .all ? "completed or failed" : status.rawValue
        guard histogram.total > 0 else {
            return ["no \(what) jobs with both created_at and completed_at in this window"]
        }
        return ["durations of \(histogram.total) \(what) job\(histogram.total == 1 ? "" : "s"):"] + histogram.lines()
    }
}
