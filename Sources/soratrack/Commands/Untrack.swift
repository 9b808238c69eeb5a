import ArgumentParser
import Foundation
import JobStore
import SyncEngine

/// `soratrack untrack`: stop polling ids; their history stays.
struct Untrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop polling video ids; their history is kept.",
        discussion: """
            Example:
              soratrack untrack video_69b25d5f467c81908733a56bc236b4df

            Exit codes: 0 ok, 65 an id is invalid or not in the database (nothing changes then).
            """)

    @Argument(help: "Video ids to stop polling.")
    var ids: [String]

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await ExitCodes.run {
            let batch = try IDList.parse(arguments: ids, files: [])
            let db = try database.openExisting()
            let unknown = try db.untrack(batch)
            guard unknown.isEmpty else {
                throw InputError(problems: unknown.map { "\($0): not in the database" })
            }
            print("untracked \(batch.count)")
            return .ok
        }
    }
}
