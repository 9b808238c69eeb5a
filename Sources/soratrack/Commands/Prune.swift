import ArgumentParser
import Foundation
import JobStore
import Reports
import SyncEngine

/// `soratrack prune`: thin out old snapshots that tell nothing new, and the bodies nothing uses any more.
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove old snapshots that repeat the one before, and the response bodies no longer used.",
        discussion: """
            Of the snapshots polled more than --older-than ago, keeps for each job its first and last, its newest \
            successful one, and every one whose status, HTTP status class or poll-error presence changed from \
            the one before; removes the rest, then every body no snapshot or download refers to, in one \
            transaction. Job rows are untouched, so reports give the same numbers after (a job's polls still \
            counts every attempt ever made). Takes the sync lock, so it never runs beside a sync or watch. \
            --dry-run prints what would go and changes nothing; --vacuum then rebuilds the file so the space \
            goes back to the disk (it needs as much free disk space as the database takes).

            Example:
              soratrack prune --older-than 30d --dry-run
              soratrack prune --older-than 30d --vacuum

            Exit codes: 0 ok, 64 bad flags (--older-than must be more than 0), 73 cannot create the lock file, \
            74 no database or database error, 75 a sync or watch holds the lock, 78 newer database schema.
            """)

    @Option(name: .long, help: ArgumentHelp("Only snapshots polled more than this long ago may go, e.g. 30d.", valueName: "duration"))
    var olderThan: HumanDuration

    @Flag(name: .long, help: "Print what would be removed and change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Afterwards, rebuild the file (VACUUM) so the freed space goes back to the disk.")
    var vacuum = false

    @Option(name: .long, help: ArgumentHelp("Pin \"now\" (ISO 8601, unix seconds or an age; default the clock).", valueName: "time"), transform: TimeArgument.parse)
    var now: TimeArgument?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard olderThan.duration > .zero else { throw ValidationError("--older-than must be more than 0, e.g. 30d") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let backend = try database.backend
            if case .sqlite(let path) = backend, !FileManager.default.fileExists(atPath: path) { throw StoreError.missing(path: path) }
            let lock = try database.lock()
            let (seconds, attoseconds) = olderThan.duration.components
            let cutoff = (now?.date(now: Date()) ?? Date()).addingTimeInterval(-(Double(seconds) + Double(attoseconds) / 1e18))
            var sizes: (before: Int64, after: Int64)?
            let result: PruneResult
            if dryRun, case .sqlite(let path) = backend {
                result = try JobDatabase.prunePreview(path: path, before: cutoff)  // read-only: the file stays byte for byte
            } else if dryRun {
                result = try database.openReadOnly().prune(before: cutoff, dryRun: true)
            } else {
                let db = try database.open()
                result = try db.prune(before: cutoff, dryRun: false)
                if vacuum {
                    let before = db.fileSize()
                    try db.vacuum()
                    sizes = (before, db.fileSize())
                }
            }
            withExtendedLifetime(lock) {}
            for line in PruneSummary(result: result, vacuumRequested: vacuum, vacuum: sizes).lines { print(line) }
            return .ok
        }
    }
}
