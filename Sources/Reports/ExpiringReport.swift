import JobStore

/// `report expiring`: completed jobs whose download links expire soon (or, on request, already have), soonest first.
public struct ExpiringReport: TabularReport, Sendable, Equatable {
    /// The jobs, soonest expiry first.
    public var jobs: [ExpiringJob]
    /// "Now", unix seconds.
    public var now: Int64
    /// The window after now, in seconds.
    public var within: Int64
    public var includeExpired: Bool
    /// The API base URL the download hint names.
    public var baseURL: String

    public static let columnNames = ["video_id", "model", "completed_at", "expires_at", "expires_in_s", "downloaded"]

    /// Finds the completed jobs of `window` with `now < expires_at ≤ now + within` (also `expires_at ≤ now` with `includeExpired`).
    public init(
        database: any HistoryStore, now: Int64, within: Int64, includeExpired: Bool, window: CreatedWindow, baseURL: String
    ) throws(StoreError) {
        self.init(
            jobs: try database.expiringJobs(now: now, within: within, includeExpired: includeExpired, window: window),
            now: now, within: within, includeExpired: includeExpired, baseURL: baseURL)
    }

    /// The report of jobs already found.
    public init(jobs: [ExpiringJob], now: Int64, within: Int64, includeExpired: Bool, baseURL: String) {
        self.jobs = jobs
        self.now = now
        self.within = within
        self.includeExpired = includeExpired
        self.baseURL = baseURL
    }

    public var columns: [String] { Self.columnNames }

    public var rows: [[Cell]] {
        jobs.map {
            [
                .text($0.videoID), .optional($0.model), .optionalTimestamp($0.completedAt), .timestamp($0.expiresAt),
                .duration(Double($0.expiresAt - now)), .boolean($0.downloaded),
            ]
        }
    }

    public var tableFooter: [String] {
        let window = TimeFormat.human(seconds: Double(within))
        guard !jobs.isEmpty else {
            return ["no completed job expires within \(window)" + (includeExpired ? " (nor has expired)" : "")]
        }
        if jobs.allSatisfy({ $0.downloaded || $0.expiresAt <= now }) {
            return jobs.contains(where: \.downloaded)
                ? ["every listed video that has not expired is downloaded"]
                : ["every listed video has expired: its content can no longer be downloaded"]
        }
        let id = jobs.count == 1 ? jobs[0].videoID : "VIDEO_ID"
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return [
            "download before they expire: soratrack download \(id) --dir DIR, or curl -fL -H \"Authorization: Bearer $SORATRACK_API_KEY\" -o \(id).mp4 "
                + "\(base)/videos/\(id)/content (or the openai SDK's client.videos.download_content(\"\(id)\"))"
        ]
    }
}
