/// Percentiles by linear interpolation between closest ranks: numpy's default `percentile` method.
public enum Percentile {
    /// The `percent`-th percentile (0–100) of `sorted` (ascending); nil when empty.
    ///
    /// For `[1, 2, 3, 4]`: p50 = 2.5, p90 = 3.7.
    public static func linear(_ sorted: [Double], _ percent: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let rank = percent / 100 * Double(sorted.count - 1)
        let lower = min(max(Int(rank.rounded(.down)), 0), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        return interpolate(sorted[lower], sorted[upper], rank - Double(lower))
    }

    /// The same for whole numbers (durations in seconds).
    public static func linear(_ sorted: [Int64], _ percent: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = percent / 100 * Double(sorted.count - 1)
        let lower = min(max(Int(rank.rounded(.down)), 0), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        return interpolate(Double(sorted[lower]), Double(sorted[upper]), rank - Double(lower))
    }

    /// numpy's `_lerp`: from the nearer end, so the result never overshoots `b`.
    private static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }
}

/// Count, mean, the usual percentiles and maximum of a sorted list of seconds: what every duration-like report shows.
public struct SummaryStatistics: Sendable, Equatable {
    public var count: Int
    public var mean: Double?
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?
    public var max: Double?

    /// The statistics of `sorted` (ascending).
    public init(sorted: [Double]) {
        count = sorted.count
        mean = sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
        p50 = Percentile.linear(sorted, 50)
        p90 = Percentile.linear(sorted, 90)
        p95 = Percentile.linear(sorted, 95)
        p99 = Percentile.linear(sorted, 99)
        max = sorted.last
    }

    /// `count, mean_s, p50_s, p90_s, p95_s, p99_s, max_s` as report cells.
    public var cells: [Cell] {
        [.integer(Int64(count))] + [mean, p50, p90, p95, p99, max].map { $0.map(Cell.duration) ?? .null }
    }
}
