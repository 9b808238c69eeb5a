import Foundation

/// Which jobs a listing shows.
public struct JobFilter: Sendable {
    /// A phase (`completed`, `running`, …) or a raw provider status.
    public var status: String?
    public var model: String?
    /// Window on the provider's `created_at` (first seen, when unknown).
    public var since: Date?
    public var until: Date?
    public var limit: Int?

    public init(status: String? = nil, model: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int? = nil) {
        self.status = status
        self.model = model
        self.since = since
        self.until = until
        self.limit = limit
    }
}
