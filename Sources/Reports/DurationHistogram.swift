/// Durations counted in buckets of a round width (10 s, 1 min, 5 min, …), for a text bar chart.
public struct DurationHistogram: Sendable, Equatable {
    /// The durations in `[lower, upper)` seconds.
    public struct Bucket: Sendable, Equatable {
        public var lower: Int64
        public var upper: Int64
        public var count: Int

        /// A bucket of `count` durations in `[lower, upper)`.
        public init(lower: Int64, upper: Int64, count: Int) {
            self.lower = lower
            self.upper = upper
            self.count = count
        }
    }

    /// Consecutive buckets from the shortest duration to the longest (empty when there are none).
    public var buckets: [Bucket]
    /// How many durations were counted.
    public var total: Int { buckets.reduce(0) { $0 + $1.count } }

    /// Bucket widths people read easily, in seconds.
    static let widths: [Int64] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800,
    ]

    /// The most buckets a histogram shows.
    public static let maxBuckets = 12

    /// Buckets `durations` (any order) with the narrowest round width that needs at most `maxBuckets` bars.
    public init(durations: [Int64]) {
        guard let low = durations.min(), let high = durations.max() else {
            buckets = []
            return
        }
        let width = Self.widths.first { Self.bucketCount(low, high, $0) <= Self.maxBuckets }
            ?? Swift.max(1, (high - low) / Int64(Self.maxBuckets - 1) + 1)
        let start = Self.floor(low, width)
        var buckets = (0..<Self.bucketCount(low, high, width)).map {
            Bucket(lower: start + Int64($0) * width, upper: start + Int64($0 + 1) * width, count: 0)
        }
        for duration in durations { buckets[Int((duration - start) / width)].count += 1 }
        self.buckets = buckets
    }

    private static func floor(_ value: Int64, _ width: Int64) -> Int64 {
        value >= 0 ? value / width * width : -((-value + width - 1) / width * width)
    }

    private static func bucketCount(_ low: Int64, _ high: Int64, _ width: Int64) -> Int {
        Int((high - floor(low, width)) / width) + 1
    }

    /// One line per bucket: `  1m00s–1m30s  ████████  12`, bars scaled to `barWidth` characters.
    public func lines(barWidth: Int = 40) -> [String] {
        let labels = buckets.map { TimeFormat.human(seconds: Double($0.lower)) + "–" + TimeFormat.human(seconds: Double($0.upper)) }
        let labelWidth = labels.map(\.count).max() ?? 0
        let most = buckets.map(\.count).max() ?? 0
        let countWidth = String(most).count
        return zip(labels, buckets).map { label, bucket in
            let length = most == 0 ? 0 : (bucket.count * barWidth + most - 1) / most
            let bar = String(repeating: "█", count: length) + String(repeating: " ", count: barWidth - length)
            let count = String(bucket.count)
            return "  " + String(repeating: " ", count: labelWidth - label.count) + label + "  " + bar + "  "
                + String(repeating: " ", count: countWidth - count.count) + count
        }
    }
}
