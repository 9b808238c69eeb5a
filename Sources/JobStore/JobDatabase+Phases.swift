import Foundation
import GRDB
import VideoModel

/// What the history holds about one job for `report phases`: its provider times and every poll that saw a status.
public struct JobTimeline: Sendable, Equatable {
    /// One poll that got a status back: when it started (unix milliseconds) and the phase it saw.
    public struct Sighting: Sendable, Equatable {
        public var polledAt: Int64
        public var phase: Phase

        public init(polledAt: Int64, phase: Phase) {
            self.polledAt = polledAt
            self.phase = phase
        }
    }

    public var videoID: String
    /// The report group the job falls in (`--by`).
    public var group: String
    /// Provider times, unix seconds.
    public var createdAt: Int64
    public var completedAt: Int64?
    public var expiresAt: Int64?
    /// The job's phase now.
    public var phase: Phase
    /// Polls with a status, oldest first.
    public var sightings: [Sighting]
    /// When its video was first downloaded successfully, unix milliseconds.
    public var firstDownloadAt: Int64?

    public init(
        videoID: String, group: String, createdAt: Int64, completedAt: Int64? = nil, expiresAt: Int64? = nil,
        phase: Phase, sightings: [Sighting], firstDownloadAt: Int64? = nil
    ) {
        self.videoID = videoID
        self.group = group
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.expiresAt = expiresAt
        self.phase = phase
        self.sightings = sightings
        self.firstDownloadAt = firstDownloadAt
    }
}

extension JobDatabase {
    /// Streams the timeline of every job in `window` with a provider `created_at` and at least one poll that saw a
    /// status, in job order, in one read transaction (memory: one job's polls, and the download times).
    public func timelines(
        by grouping: JobGrouping, window: CreatedWindow, _ body: (JobTimeline) throws -> Void
    ) throws {
        let (conditions, arguments) = window.conditions()
        let downloads = try read { db in
            try Dictionary(
                Row.fetchAll(
                    db,
                    sql: """
                        SELECT job_id, min(finished_at) FROM download
                        WHERE variant = 'video' AND ok = 1 AND finished_at IS NOT NULL GROUP BY job_id
                        """
                ).map { (row: Row) -> (Int64, Int64) in (row[0], row[1]) },
                uniquingKeysWith: { first, _ in first })
        }
        let sql = """
            SELECT job.id, job.video_id, \(grouping.sql), job.created_at, job.completed_at, job.expires_at, job.phase,
                snapshot.polled_at, snapshot.status
            FROM job JOIN snapshot ON snapshot.job_id = job.id
            WHERE job.created_at IS NOT NULL AND snapshot.status IS NOT NULL
            \(conditions.map { "AND " + $0 }.joined(separator: " "))
            ORDER BY job.id, snapshot.polled_at, snapshot.id
            """
        var current: (id: Int64, timeline: JobTimeline)?
        try stream(sql: sql, arguments: StatementArguments(arguments)) { row in
            let id: Int64 = row[0]
            let sighting = JobTimeline.Sighting(polledAt: row[7], phase: Phase(providerStatus: row[8]))
            if current?.id == id {
                current?.timeline.sightings.append(sighting)
                return
            }
            if let current { try body(current.timeline) }
            let timeline = JobTimeline(
                videoID: row[1], group: row[2], createdAt: row[3], completedAt: row[4], expiresAt: row[5],
                phase: Phase(rawValue: row[6]) ?? .unknown, sightings: [sighting], firstDownloadAt: downloads[id])
            current = (id, timeline)
        }
        if let current { try body(current.timeline) }
    }
}
