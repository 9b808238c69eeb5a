import Foundation
import JobStore
import Reports

/// The reports the demo prints at the end.
enum DemoReports {
    static func print(database: JobDatabase, now: Date) throws {
        let sink = OutputSink.standardOutput()
        try sink.write("Latest state of each job:\n")
        try sink.flush()
        let writer = try makeRowWriter(.table, columns: JobColumns.tableNames, sink: sink)
        for job in try database.jobs() { try writer.write(JobColumns.tableCells(job)) }
        try writer.finish()
    }
}
