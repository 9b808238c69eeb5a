import ArgumentParser
import Foundation
import JobStore
import Reports
import VideoAPI

/// `soratrack show`: one job and its whole snapshot timeline.
struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one job and every poll recorded for it.",
        discussion: """
            table: the job's fields, then the timeline. csv: the timeline rows (the columns of \
            export snapshots). json: {"job": {...}, "snapshots": [...]}.

            Example:
              soratrack show video_69b25d5f467c81908733a56bc236b4df

            Exit codes: 0 ok, 65 invalid id or not in the database, 74 no database or database error, \
            78 database schema newer than this soratrack, or older (run sync once to upgrade it). \
            Reads the database read-only: works where the database or its folder cannot be written.
            """)

    @Argument(help: "The video id.")
    var id: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await ExitCodes.run {
            let videoID = try VideoID(validating: id)
            let db = try database.openReadOnly()
            guard let job = try db.job(videoID) else { throw StoreError.unknownJob(id) }
            let snapshots = try db.snapshots(of: videoID)
            let (sink, style) = output.makeSink()
            let timeline = snapshots.map(SnapshotColumns.cells)
            switch output.format {
            case .table:
                for (name, cell) in zip(JobColumns.names, JobColumns.cells(job)) {
                    try sink.write(name.padding(toLength: 22, withPad: " ", startingAt: 0) + TableWriter.text(cell) + "\n")
                }
                try sink.write("\n")
                let writer = try makeRowWriter(.table, columns: SnapshotColumns.names, sink: sink, style: style)
                for row in timeline { try writer.write(row) }
                try writer.finish()
            case .csv, .ndjson:
                let writer = try makeRowWriter(output.format, columns: SnapshotColumns.names, sink: sink, style: style)
                for row in timeline { try writer.write(row) }
                try writer.finish()
            case .json:
                try sink.write("{\"job\":" + JSONWriter.object(columns: JobColumns.names, cells: JobColumns.cells(job)))
                try sink.write(",\"snapshots\":[")
                for (index, row) in timeline.enumerated() {
                    try sink.write((index == 0 ? "\n" : ",\n") + JSONWriter.object(columns: SnapshotColumns.names, cells: row))
                }
                try sink.write("\n]}\n")
                try sink.flush()
            }
            return .ok
        }
    }
}
