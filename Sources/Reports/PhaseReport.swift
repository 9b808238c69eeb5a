import JobStore
import VideoModel

/// `report phases`: where a job's time went, from its snapshots (docs/reports.md, report phases).
///
/// A poll sees a state, not a moment of change: a job first seen running at poll `t` started somewhere after the poll
/// before it (which still saw it queued, or its `created_at`) and before `t`. Queue wait and render time are therefore
/// intervals; each job's value is the interval's midpoint and its error half the interval's width, and percentiles
/// are taken over the midpoints. Notice delay and download margin are exact.
public struct PhaseReport: TabularReport, Sendable, Equatable {
    /// The four measures, in the order of the rows.
    public enum Measure: String, Sendable, CaseIterable {
        /// `created_at` → the job started rendering (an interval).
        case queue
        /// The job started rendering → `completed_at` (an interval; completed jobs only).
        case render
        /// `completed_at` → the first poll that saw it completed (what the polling interval costs).
        case notice
        /// The first successful video download → `expires_at` (how much time was left).
        case margin
    }

    /// An interval of seconds, reported as its midpoint and half its width.
    public struct Estimate: Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var value: Double { (low + high) / 2 }
        public var error: Double { (high - low) / 2 }

        public init(low: Double, high: Double) {
            self.low = low
            self.high = max(low, high)
        }
    }

    /// What one job's snapshots tell.
    public struct Job: Sendable, Equatable {
        public var videoID: String
        public var group: String
        public var createdAt: Int64
        /// Whether any poll saw it running.
        public var seenRunning: Bool
        /// Jobs seen running or completed.
        public var queue: Estimate?
        /// Completed jobs with `completed_at`.
        public var render: Estimate?
        /// Completed jobs with `completed_at` that a poll saw completed.
        public var notice: Double?
        /// Jobs whose video was downloaded, with `expires_at`.
        public var margin: Double?
        /// Completed, expired at `now`, never downloaded.
        public var lost: Bool

        /// Reads one job's timeline; expiry is judged at `now` (unix seconds).
        public init(_ timeline: JobTimeline, now: Int64) {
            videoID = timeline.videoID
            group = timeline.group
            createdAt = timeline.createdAt
            let created = Double(timeline.createdAt)
            let sightings = timeline.sightings.map { (at: Double($0.polledAt) / 1000, phase: $0.phase) }
            let firstRunning = sightings.firstIndex { $0.phase == .running }
            let firstDone = sightings.firstIndex { $0.phase == .completed || $0.phase == .failed }
            seenRunning = firstRunning != nil
            let completed = timeline.phase == .completed
            let completedAt = timeline.completedAt.map(Double.init)

            // The start lies after the last poll that saw the job queued (or its creation) and before the first that
            // saw it running; a job never seen running started before it was seen finished, and before completed_at.
            var start: Estimate?
            if let seen = firstRunning ?? (completed ? firstDone : nil) {
                let queuedBefore = sightings[..<seen].last { $0.phase == .queued }?.at
                let low = max(created, queuedBefore ?? created)
                var high = sightings[seen].at
                if firstRunning == nil, let completedAt { high = min(high, completedAt) }
                start = Estimate(low: low, high: max(low, high))
            }
            queue = start.map { Estimate(low: $0.low - created, high: $0.high - created) }
            render = nil
            if completed, let start, let end = completedAt {
                render = Estimate(low: max(0, end - start.high), high: max(0, end - start.low))
            }
            notice = nil
            if completed, let end = completedAt, let seen = sightings.first(where: { $0.phase == .completed })?.at {
                notice = seen - end
            }
            margin = nil
            if let expires = timeline.expiresAt, let downloaded = timeline.firstDownloadAt {
                margin = Double(expires) - Double(downloaded) / 1000
            }
            lost = completed && timeline.firstDownloadAt == nil && (timeline.expiresAt.map { $0 <= now } ?? false)
        }
    }

    /// The statistics of one measure in one group, in seconds: `row.p50` and the others read them.
    @dynamicMemberLookup
    public struct Row: Sendable, Equatable {
        public var group: String
        public var measure: Measure
        public var statistics: SummaryStatistics
        /// Mean half-width of the jobs' intervals (queue and render); nil for the exact measures.
        public var meanError: Double?
        /// Queue and render: how many of the jobs no poll saw running (their interval spans the whole gap).
        public var neverSeenRunning: Int?
        /// Margin: completed jobs whose link expired before any download.
        public var lost: Int?

        public subscript<T>(dynamicMember path: KeyPath<SummaryStatistics, T>) -> T { statistics[keyPath: path] }
    }

    /// The statistics, by group name, then measure.
    public var statistics: [Row]
    /// One entry per job, in job order (for `--jobs`).
    public var jobs: [Job]

    public static let columnNames = [
        "group", "measure", "count", "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s", "err_mean_s",
        "never_seen_running", "lost",
    ]

    /// The report over the jobs of `window`, grouped by `grouping`, expiry judged at `now` (unix seconds).
    public init(database: any HistoryStore, by grouping: JobGrouping, window: CreatedWindow, now: Int64) throws {
        var jobs: [Job] = []
        try database.timelines(by: grouping, window: window) { jobs.append(Job($0, now: now)) }
        self.init(jobs: jobs, by: grouping)
    }

    /// The report of jobs already read.
    public init(jobs: [Job], by grouping: JobGrouping) {
        self.jobs = jobs
        var byGroup: [String: [Job]] = [:]
        for job in jobs { byGroup[job.group, default: []].append(job) }
        if grouping == .none && byGroup.isEmpty { byGroup["all"] = [] }
        statistics = byGroup.keys.sorted().flatMap { name in
            let members = byGroup[name]!
            return Measure.allCases.map { Self.row(name, $0, members) }
        }
    }

    private static func row(_ group: String, _ measure: Measure, _ jobs: [Job]) -> Row {
        var values: [Double] = []
        var errors: [Double] = []
        var unseen = 0
        for job in jobs {
            switch measure {
            case .queue, .render:
                guard let estimate = measure == .queue ? job.queue : job.render else { continue }
                values.append(estimate.value)
                errors.append(estimate.error)
                if !job.seenRunning { unseen += 1 }
            case .notice:
                if let notice = job.notice { values.append(notice) }
            case .margin:
                if let margin = job.margin { values.append(margin) }
            }
        }
        let statistics = SummaryStatistics(sorted: values.sorted())
        let interval = measure == .queue || measure == .render
        return Row(
            group: group, measure: measure, statistics: statistics,
            meanError: interval && !errors.isEmpty ? errors.reduce(0, +) / Double(errors.count) : nil,
            neverSeenRunning: interval ? unseen : nil,
            lost: measure == .margin ? jobs.filter(\.lost).count : nil)
    }

    /// The row of `measure` in `group`, if the group exists.
    public func row(_ group: String, _ measure: Measure) -> Row? {
        statistics.first { $0.group == group && $0.measure == measure }
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        statistics.map { row in
            let seconds: (Double?) -> Cell = { $0.map(Cell.duration) ?? .null }
            return [.text(row.group), .text(row.measure.rawValue)] + row.statistics.cells + [
                seconds(row.meanError), .optional(row.neverSeenRunning), .optional(row.lost),
            ]
        }
    }

    public var tableFooter: [String] {
        [
            "queue: created_at → started rendering; render: started → completed_at (each the midpoint of the interval its "
                + "polls allow, err_mean_s half its width on average); notice: completed_at → first poll that saw it "
                + "completed; margin: first video download → expires_at",
        ]
    }

    /// The per-job form (`--jobs`): one row per job.
    public var perJob: PerJob { PerJob(jobs: jobs) }

    /// `report phases --jobs`: each job's own figures.
    public struct PerJob: TabularReport, Sendable, Equatable {
        public var jobs: [Job]

        public static let columnNames = [
            "video_id", "group", "created_at", "queue_s", "queue_err_s", "render_s", "render_err_s", "notice_s",
            "margin_s", "seen_running", "lost",
        ]

        public var columns: [String] { Self.columnNames }

        public var rows: [[Cell]] {
            jobs.map { job in
                let seconds: (Double?) -> Cell = { $0.map(Cell.duration) ?? .null }
                return [
                    .text(job.videoID), .text(job.group), .timestamp(job.createdAt), seconds(job.queue?.value),
                    seconds(job.queue?.error), seconds(job.render?.value), seconds(job.render?.error), seconds(job.notice),
                    seconds(job.margin), .boolean(job.seenRunning), .boolean(job.lost),
                ]
            }
        }

        public var tableFooter: [String] { [] }
    }
}
