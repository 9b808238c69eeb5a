import Foundation
import JobStore
import Reports
import Testing
import TestSupport
import VideoAPI

/// `soratrack metrics`: the text is checked by the strict parser in TestSupport (and by promtool when installed);
/// expected numbers come from the table in `ReportFixture`.
@Suite("metrics exposition")
struct MetricsExpositionTests {
    static let now = Date(timeIntervalSince1970: Double(ReportFixture.now))

    /// Metrics with every count zero, as from an empty database.
    static func emptyMetrics(models: [GroupCounts] = []) -> StoreMetrics {
        StoreMetrics(
            jobsByPhase: [:], windowSeconds: 86400, windowByModel: models, expiringUndownloaded: 0, expiredUndownloaded: 0,
            lastStartedSync: nil, lastFinishedSync: nil, lastSuccessfulSyncAt: nil, lastSyncPollErrors: [], snapshots: 0,
            polls: 0, databaseBytes: 0)
    }

    @Test("label values with a backslash, a double quote and a line feed are escaped, and read back exactly")
    func escapesLabelValues() throws {
        let model = "sora\\2 \"pro\"\nnext"
        let text = MetricsExposition(Self.emptyMetrics(models: [GroupCounts(group: model, total: 4, completed: 3, failed: 1, pending: 0)])).text
        #expect(text.contains(#"soratrack_failure_ratio{model="sora\\2 \"pro\"\nnext"} 0.25"# + "\n"))
        #expect(MetricsExposition.escapeLabelValue("a\\b\"c\nd") == #"a\\b\"c\nd"#)
        let parsed = try Exposition.parse(text)
        #expect(parsed.value("soratrack_failure_ratio", ["model": model]) == 0.25)
        #expect(parsed.value("soratrack_finished_jobs", ["model": model]) == 4)
    }

    @Test("every phase is listed (0 included), every metric has HELP and TYPE, no sample has a timestamp")
    func everyPhaseAndHeader() throws {
        let text = MetricsExposition(Self.emptyMetrics()).text
        let parsed = try Exposition.parse(text)
        #expect(parsed.samples("soratrack_jobs").map { $0.labels["phase"] ?? "" } == ["queued", "running", "completed", "failed", "unknown", "abandoned", "not_found"])
        #expect(parsed.samples("soratrack_jobs").allSatisfy { $0.value == 0 })
        for family in parsed.families {
            #expect(family.name.hasPrefix("soratrack_"))
            #expect(family.help?.isEmpty == false && family.type != nil, "\(family.name)")
            #expect(family.samples.allSatisfy { $0.timestamp == nil })
        }
        #expect(parsed.value("soratrack_last_sync_success_timestamp_seconds") == 0)  // never
        #expect(parsed.samples("soratrack_last_sync_exit_code").isEmpty)  // unknown, not a made-up value
        #expect(parsed.family("soratrack_polls_total")?.type == "counter")
        #expect(!text.contains("\n\n") && text.hasSuffix("\n"))
    }

    @Test("values: whole numbers without a fraction, others in their shortest exact form, NaN and infinities")
    func values() {
        #expect(MetricsExposition.format(3) == "3")
        #expect(MetricsExposition.format(-0.0) == "0")
        #expect(MetricsExposition.format(0.1) == "0.1")
        #expect(MetricsExposition.format(1_764_373_911.25) == "1764373911.25")
        #expect(Exposition.parseFloat(MetricsExposition.format(1e-7)) == 1e-7)
        #expect(MetricsExposition.format(.nan) == "NaN")
        #expect(MetricsExposition.format(.infinity) == "+Inf" && MetricsExposition.format(-.infinity) == "-Inf")
    }

    @Test("numbers of the fixture: phases, failure ratio by model over the window, undownloaded videos expiring and expired")
    func fixtureNumbers() throws {
        try withDatabase { database, folder in
            try ReportFixture.build(database)
            // c3 (expires now+1) has its video downloaded; c1 (expired) only a failed download attempt.
            try ReportFixture.download("c3", database)
            try ReportFixture.failedDownload("c1", database)
            let parsed = try Exposition.parse(try MetricsExposition(database: database, now: Self.now, window: .seconds(2 * 86400)).text)
            let phases = Dictionary(uniqueKeysWithValues: parsed.samples("soratrack_jobs").map { ($0.labels["phase"] ?? "", $0.value) })
            #expect(phases == ["queued": 1, "running": 1, "completed": 5, "failed": 3, "unknown": 1, "abandoned": 1, "not_found": 1])
            // Created in the two days before now: every job of day A and day B, not a1 (5 days earlier) nor u1 (unknown).
            #expect(parsed.value("soratrack_failure_window_seconds") == 172_800)
            #expect(parsed.value("soratrack_failure_ratio", ["model": "sora-2"]) == 2.0 / 6.0)
            #expect(parsed.value("soratrack_failure_ratio", ["model": "sora-2-pro"]) == 0.5)
            #expect(parsed.value("soratrack_failure_ratio", ["model": "unknown"]) == nil)  // q1 has not finished
            #expect(parsed.value("soratrack_finished_jobs", ["model": "unknown"]) == 0)
            // Expiring in (now, now+1h]: c3 (downloaded) and c4; expired at or before now: c1 and c2.
            #expect(parsed.value("soratrack_expiring_undownloaded_jobs") == 1)
            #expect(parsed.value("soratrack_expired_undownloaded_jobs") == 2)
            #expect(parsed.value("soratrack_snapshots") == 15 && parsed.value("soratrack_polls_total") == 15)
            #expect(parsed.value("soratrack_database_size_bytes") ?? 0 > 4096)

            let lastDay = try Exposition.parse(try MetricsExposition(database: database, now: Self.now, window: .seconds(86400)).text)
            #expect(lastDay.value("soratrack_failure_ratio", ["model": "sora-2-pro"]) == 0)  // only c4, completed
            #expect(lastDay.value("soratrack_failure_ratio", ["model": "sora-2"]) == nil)  // only r1, running
        }
    }

    @Test("last sync: start of the newest run, end, duration, exit code and poll errors by status of the newest finished one, success of the newest exit 0")
    func lastSync() throws {
        try withDatabase { database, _ in
            let t = ReportFixture.now
            func at(_ second: Int64) -> Date { Date(timeIntervalSince1970: Double(second)) }
            func failure(_ id: String, status: Int?, at second: Int64) -> PollAttempt {
                PollAttempt(
                    videoID: Poll.id(id), attempt: 0, startedAt: at(second), finishedAt: at(second), httpStatus: status,
                    body: status == nil ? nil : Data(#"{"error":{"message":"slow down"}}"#.utf8), pollError: "HTTP \(status ?? 0): slow down")
            }
            let ok = Poll.body("v1", status: "in_progress", created: t - 100)

            let first = try database.startRun(command: "sync", at: at(t))
            try database.record(failure("v1", status: 500, at: t + 1), runID: first)
            try database.record(Poll.ok(ok, at: t + 2), runID: first)
            try database.finishRun(first, counts: SyncRunCounts(), exitCode: .ok, at: at(t + 3))

            let second = try database.startRun(command: "sync", at: at(t + 300))
            let track = try database.startRun(command: "track", at: at(t + 301))  // overlaps; not a sync
            try database.record(failure("v1", status: 429, at: t + 301), runID: second)
            try database.record(failure("v2", status: 502, at: t + 301), runID: track)
            try database.record(failure("v1", status: nil, at: t + 302), runID: second)
            try database.record(failure("v1", status: nil, at: t + 303), runID: second)
            try database.record(Poll.notFound("v3", at: t + 303), runID: second)
            try database.record(Poll.ok(ok, at: t + 304), runID: second)
            try database.finishRun(track, counts: SyncRunCounts(), exitCode: .partial, at: at(t + 305))
            try database.finishRun(second, counts: SyncRunCounts(), exitCode: .partial, at: at(Int64(t) + 306))

            let third = try database.startRun(command: "sync", at: at(t + 600))  // still running
            try database.record(failure("v1", status: 503, at: t + 601), runID: third)

            let parsed = try Exposition.parse(try MetricsExposition(database: database, now: at(t + 700), window: .seconds(86400)).text)
            #expect(parsed.value("soratrack_last_sync_start_timestamp_seconds") == Double(t + 600))
            #expect(parsed.value("soratrack_last_sync_end_timestamp_seconds") == Double(t + 306))
            #expect(parsed.value("soratrack_last_sync_success_timestamp_seconds") == Double(t + 3))
            #expect(parsed.value("soratrack_last_sync_duration_seconds") == 6)
            #expect(parsed.value("soratrack_last_sync_exit_code") == 1)
            let errors = Dictionary(uniqueKeysWithValues: parsed.samples("soratrack_last_sync_poll_errors").map { ($0.labels["status"] ?? "", $0.value) })
            #expect(errors == ["none": 2, "404": 1, "429": 1])
        }
    }

    @Test("written to a file atomically: no temporary file left, mode 0644 when new, a replaced file keeps its mode")
    func writesFileAtomically() throws {
        try withDatabase { database, folder in
            try ReportFixture.build(database)
            let output = folder.path + "/out"
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let path = output + "/soratrack.prom"
            let exposition = try MetricsExposition(database: database, now: Self.now, window: .seconds(86400))
            try exposition.write(toFile: path)
            #expect(try FileManager.default.contentsOfDirectory(atPath: output) == ["soratrack.prom"])
            #expect(try String(contentsOfFile: path, encoding: .utf8) == exposition.text)
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o644)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            try exposition.write(toFile: path)
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
            #expect(throws: OutputFileError.self) { try exposition.write(toFile: folder.path + "/missing/soratrack.prom") }
        }
    }

    @Test("promtool accepts the output without a lint problem", .enabled(if: Promtool.isInstalled))
    func promtoolAccepts() throws {
        try withDatabase { database, _ in
            try ReportFixture.build(database)
            var metrics = try database.metrics(now: Self.now, window: .seconds(2 * 86400))
            metrics.lastSyncPollErrors = [StoreMetrics.StatusCount(status: nil, count: 2), StoreMetrics.StatusCount(status: 429, count: 1)]
            metrics.lastFinishedSync = StoreMetrics.Run(id: 1, startedAt: 1_000, finishedAt: 3_500, exitCode: 1)
            metrics.windowByModel.append(GroupCounts(group: "odd \"model\"\\\n", total: 1, completed: 0, failed: 1, pending: 0))
            let check = try Promtool.checkMetrics(MetricsExposition(metrics).text)
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(check.output)")
        }
    }
}
