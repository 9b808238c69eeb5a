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
