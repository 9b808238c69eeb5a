import JobStore

/// The lines `soratrack prune` prints about what it removed (or, in a dry run, would remove).
public struct PruneSummary: Sendable, Equatable {
    /// What the prune did.
    public var result: PruneResult
    /// File size (database and log, bytes) before and after `VACUUM`, when it ran.
    public var vacuum: (before: Int64, after: Int64)?
    /// True when `--vacuum` was asked for (a dry run only says it would run).
    public var vacuumRequested: Bool

    /// A summary of one prune.
    public init(result: PruneResult, vacuumRequested: Bool, vacuum: (before: Int64, after: Int64)? = nil) {
        self.result = result
        self.vacuumRequested = vacuumRequested
        self.vacuum = vacuum
    }

    public static func == (lhs: PruneSummary, rhs: PruneSummary) -> Bool {
        lhs.result == rhs.result && lhs.vacuumRequested == rhs.vacuumRequested
            && lhs.vacuum?.before == rhs.vacuum?.before && lhs.vacuum?.after == rhs.vacuum?.after
    }

    /// One line for the prune, one more for the vacuum when asked for.
    public var lines: [String] {
        let r = result
        let cutoff = TimeFormat.iso8601(milliseconds: r.cutoff)
        let kept = r.snapshotsBefore - r.snapshotsRemoved
        let verb = r.dryRun ? "would remove" : "removed"
        var first = "prune\(r.dryRun ? " (dry run, nothing changed)" : ""): \(verb) \(r.snapshotsRemoved) of \(r.snapshotsBefore) "
            + "snapshots (polled before \(cutoff), no change from the one before) and \(r.bodiesRemoved) bodies "
            + "(\(Self.bytes(r.bodyBytesRemoved))); \(kept) snapshots kept"
        if let freed = r.freedBytes { first += "; \(Self.bytes(freed)) freed inside the file" }
        var lines = [first]
        if vacuumRequested {
            if let vacuum {
                lines.append("vacuum: the database went from \(Self.bytes(vacuum.before)) to \(Self.bytes(vacuum.after))")
            } else if r.dryRun {
                lines.append("vacuum: would rebuild the file to give free space back (not run in a dry run)")
            }
        }
        return lines
    }

    /// `512 B`, `12.3 KiB`, `4.0 MiB`, `1.2 GiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return NumberFormat.decimal((value * 10).rounded() / 10, digits: 1) + " " + units[unit]
    }
}
