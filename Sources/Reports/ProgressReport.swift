import JobStore
import VideoModel

/// `report progress ID…`: each job's progress against time, one row per poll that saw a status, and on a terminal a
/// one-line chart per job.
public struct ProgressReport: TabularReport, Sendable, Equatable {
    /// One job's curve.
    public struct Curve: Sendable, Equatable {
        public var videoID: String
        /// Provider `created_at`, unix seconds: elapsed time counts from it (from the first poll when unknown).
        public var createdAt: Int64?
        /// Polls with a status, oldest first: unix milliseconds, status, progress (nil when the answer had none).
        public var points: [(polledAt: Int64, status: String, progress: Int?)]

        public init(videoID: String, createdAt: Int64?, points: [(polledAt: Int64, status: String, progress: Int?)]) {
            self.videoID = videoID
            self.createdAt = createdAt
            self.points = points
        }

        /// Seconds from the curve's origin to `polledAt`.
        func elapsed(_ polledAt: Int64) -> Double {
            let origin = createdAt.map { Double($0) } ?? points.first.map { Double($0.polledAt) / 1000 } ?? 0
            return Double(polledAt) / 1000 - origin
        }

        public static func == (a: Curve, b: Curve) -> Bool {
            a.videoID == b.videoID && a.createdAt == b.createdAt && a.points.count == b.points.count
                && zip(a.points, b.points).allSatisfy { $0.polledAt == $1.polledAt && $0.status == $1.status && $0.progress == $1.progress }
        }
    }

    public var curves: [Curve]

    public static let columnNames = ["video_id", "polled_at", "elapsed_s", "status", "progress"]

    /// The curves of `ids`, in the order given; an id the database does not know is ``StoreError/unknownJob(_:)``.
    public init(database: any HistoryStore, ids: [VideoID]) throws(StoreError) {
        var curves: [Curve] = []
        for id in ids {
            guard let job = try database.job(id) else { throw .unknownJob(id.rawValue) }
            let points = try database.snapshots(of: id).compactMap { snapshot -> (polledAt: Int64, status: String, progress: Int?)? in
                snapshot.status.map { (snapshot.polledAt, $0, snapshot.progress) }
            }
            curves.append(Curve(videoID: id.rawValue, createdAt: job.createdAt, points: points))
        }
        self.init(curves: curves)
    }

    public init(curves: [Curve]) {
        self.curves = curves
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        curves.flatMap { curve in
            curve.points.map { point in
                [
                    .text(curve.videoID), .timestampMilliseconds(point.polledAt), .duration(curve.elapsed(point.polledAt)),
                    .text(point.status), .optional(point.progress),
                ]
            }
        }
    }

    public var tableFooter: [String] { [] }

    /// One line per job: the progress known at each of `width` equal steps of its polled span as a block character
    /// (▁ for 0 % … █ for 100 %, a space before the first poll with a progress), then the range and span in words.
    public func chart(width: Int = 40) -> [String] {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let nameWidth = min(40, curves.map(\.videoID.count).max() ?? 0)
        return curves.map { curve in
            let name = curve.videoID.count > nameWidth ? String(curve.videoID.prefix(nameWidth - 1)) + "…"
                : curve.videoID.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let known = curve.points.compactMap { point in point.progress.map { (point.polledAt, min(100, max(0, $0))) } }
            guard let first = known.first, let last = known.last else { return "\(name)  (no progress reported)" }
            let span = max(1, last.0 - first.0)
            var line = ""
            var index = 0
            for step in 0..<width {
                let at = first.0 + span * Int64(step) / Int64(max(1, width - 1))
                while index + 1 < known.count && known[index + 1].0 <= at { index += 1 }
                line.append(blocks[min(blocks.count - 1, known[index].1 * blocks.count / 101)])
            }
            let seconds = Double(span) / 1000
            return "\(name)  \(line)  \(first.1)% → \(last.1)% over \(TimeFormat.human(seconds: seconds)) (\(curve.points.count) polls)"
        }
    }
}
