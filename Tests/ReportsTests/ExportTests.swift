import Foundation
import JobStore
import Reports
import TestSupport
import Testing

@Suite("export jobs|snapshots")
struct ExportTests {
    func export(_ kind: HistoryExport.Kind, _ format: OutputFormat, window: CreatedWindow = .all, from database: any HistoryStore) throws -> String {
        let sink = OutputSink.memory()
        let writer = try makeRowWriter(format, columns: kind.columns, sink: sink)
        try HistoryExport(kind: kind, window: window).write(from: database, to: writer)
        return sink.text
    }

    @Test("tricky prompts survive CSV, JSON and NDJSON exactly, byte for byte")
    func trickyPrompts() throws {
        try withDatabase { database, _ in
            let prompts = OutputFormatTests.trickyPrompts
            let bodies = prompts.enumerated().map { index, prompt in
                Poll.body("video_\(index)", status: "completed", created: 1_795_046_400 + Int64(index), completed: 1_795_046_500, prompt: prompt)
            }
            _ = try database.record(bodies.map { Poll.ok($0, at: 1_795_050_000) }, runID: nil)

            let records = try #require(RFC4180.parse(try export(.jobs, .csv, from: database)))
            #expect(records[0] == JobColumns.names)
            let promptColumn = try #require(JobColumns.names.firstIndex(of: "prompt"))
            #expect(records.dropFirst().map { $0[promptColumn] } == prompts)
            #expect(records.dropFirst().allSatisfy { $0.count == JobColumns.names.count })

            let json = try #require(try JSONSerialization.jsonObject(with: Data(try export(.jobs, .json, from: database).utf8)) as? [[String: Any]])
            #expect(json.map { $0["prompt"] as? String } == prompts)
            let lines = try export(.jobs, .ndjson, from: database).split(separator: "\n")
            #expect(lines.count == prompts.count)
            let decoded = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(decoded.map { $0?["prompt"] as? String } == prompts)
        }
    }

    @Test("export jobs: every job once, in created_at order, with the columns of docs/reports.md")
    func jobs() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            let records = try #require(RFC4180.parse(try export(.jobs, .csv, from: database)))
            #expect(records.count == 14)
            let columns = Dictionary(uniqueKeysWithValues: JobColumns.names.enumerated().map { ($1, $0) })
            // u1 (created_at unknown) first, then a1, then by created_at.
            #expect(records.dropFirst().map { $0[0] } == ["u1", "a1", "c1", "c2", "c3", "f1", "f2", "f3", "n1", "c5", "c4", "r1", "q1"])
            let c5 = try #require(records.first { $0[0] == "c5" })
            #expect(c5[columns["status"]!] == "succeeded")
            #expect(c5[columns["phase"]!] == "completed")
            #expect(c5[columns["size"]!] == "")
            #expect(c5[columns["duration_s"]!] == "45")
            #expect(c5[columns["created_at"]!] == "2026-11-19T00:13:20Z")
            let a1 = try #require(records.first { $0[0] == "a1" })
            #expect(a1[columns["status"]!] == "abandoned")
            #expect(a1[columns["phase"]!] == "abandoned")
            let u1 = try #require(records.first { $0[0] == "u1" })
            #expect(u1[columns["label"]!] == "never-answered")
            #expect(u1[columns["phase"]!] == "unknown")
            #expect(u1[columns["polls"]!] == "0")
        }
    }

    @Test("the jobs export has the same rows as `jobs` builds from each job")
    func sameCellsAsJobs() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            var exported: [[Cell]] = []
            try database.exportJobs(window: .all) { exported.append(JobColumns.cells($0)) }
            let listed = try database.jobs().map(JobColumns.cells)
            #expect(Set(exported.map { "\($0)" }) == Set(listed.map { "\($0)" }))
        }
    }

    @Test("export snapshots: every poll attempt of the jobs created in the window, in recording order")
    func snapshots() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            let all = try #require(RFC4180.parse(try export(.snapshots, .csv, from: database)))
            #expect(all[0] == SnapshotColumns.names)
            // 1 (a1) + 11 + 3 (n1's 404s); u1 was never polled.
            #expect(all.count == 1 + 15)
            #expect(all[1][0] == "a1")
            let notFound = all.filter { $0[0] == "n1" }
            #expect(notFound.map { $0[2] } == ["200", "404", "404", "404"])
            #expect(notFound[1][1] == "2026-11-21T00:01:00.000Z")
            #expect(notFound[1][10] == "HTTP 404 not_found: not found")

            let dayB = try #require(RFC4180.parse(try export(.snapshots, .csv, window: CreatedWindow(since: ReportFixture.dayB), from: database)))
            #expect(dayB.dropFirst().map { $0[0] } == ["c4", "r1", "q1"])
            let none = try export(.snapshots, .csv, window: CreatedWindow(since: 1, until: 2), from: database)
            #expect(none == SnapshotColumns.names.joined(separator: ",") + "\r\n")
        }
    }

    @Test("an error in the consumer stops the export and comes out unchanged")
    func consumerError() throws {
        struct Stop: Error {}
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            var seen = 0
            #expect(throws: Stop.self) {
                try database.exportSnapshots(window: .all) { _ in
                    seen += 1
                    if seen == 3 { throw Stop() }
                }
            }
            #expect(seen == 3)
        }
    }

    @Test("a report reads while another connection holds a write transaction")
    func readsDuringWrite() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let writer = try TestBackend.open(folder.file("jobs.sqlite"))
        try ReportFixture.build(writer)
        let reader = try TestBackend.open(folder.file("jobs.sqlite"))
        // A long write: many polls in one transaction, while the reader reports.
        let bodies = (0..<3000).map { Poll.body("w\($0)", status: "queued", created: ReportFixture.dayB + 10) }
        async let written: Void = { _ = try writer.record(bodies.map { Poll.ok($0, at: ReportFixture.dayB + 20) }, runID: nil) }()
        for _ in 0..<20 {
            let report = try FailureReport(database: reader, by: .none, window: .all)
            #expect(report.groups[0].total == 13 || report.groups[0].total == 3013)
        }
        try await written
        #expect(try FailureReport(database: reader, by: .none, window: .all).groups[0].total == 3013)
    }
}
