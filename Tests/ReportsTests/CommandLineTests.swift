import Foundation
import JobStore
import Reports
import TestSupport
import Testing
import VideoAPI

/// The report and export commands run as the built executable: exit codes, messages, SIGKILL.
@Suite("report and export commands", .serialized)
struct CommandLineTests {
    @Test("a malformed time is a usage error (64) whose message shows accepted examples")
    func malformedTime() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        _ = try TestBackend.open(folder.file("db.sqlite"))
        for arguments in [["report", "durations", "--since", "yesterday"], ["export", "jobs", "--until", "12x"], ["report", "expiring", "--now", "soon"]] {
            let result = try await runner.run(arguments + ["--db", folder.file("db.sqlite")])
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("2026-11-28T23:51:51Z"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("7d"))
        }
    }

    @Test("other bad flags are usage errors too")
    func badFlags() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        let db = folder.file("db.sqlite")
        _ = try TestBackend.open(db)
        for arguments in [
            ["report", "durations", "--by", "error_code"], ["export", "jobs", "--format", "table"],
            ["report", "failures", "--since", "2026-11-20", "--until", "2026-11-19"], ["export", "everything"],
        ] {
            #expect(try await runner.run(arguments + ["--db", db]).status == 64, "\(arguments)")
        }
    }

    @Test("report phases, progress and html as commands: numbers, the page's path and mode, one line and its code on errors")
    func phasesProgressAndPage() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        let db = folder.file("db.sqlite")
        try PhaseReportTests.build(try TestBackend.open(db))
        let now = String(PhaseReportTests.now)
        let phases = try await runner.run(["report", "phases", "--by", "model", "--format", "csv", "--no-header", "--now", now, "--db", db])
        #expect(phases.status == 0)
        #expect(phases.stdout.hasPrefix("sora-2,queue,3,55,40,84,89.5,93.9,95,41.667,1,\r\n"), "\(phases.stdout)")
        let progress = try await runner.run(["report", "progress", "j1", "--format", "csv", "--no-header", "--db", db])
        #expect(progress.status == 0 && progress.stdout.split(separator: "\r\n").count == 5)
        #expect(!progress.stdout.contains("▁"), "the chart is for a terminal only")
        let unknown = try await runner.run(["report", "progress", "j1", "nope", "--db", db])
        #expect(unknown.status == 65 && unknown.stdout.isEmpty && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
        #expect(try await runner.run(["report", "phases", "--by", "error_code", "--db", db]).status == 64)

        let page = folder.file("page.html")
        let html = try await runner.run(["report", "html", "--output", page, "--now", now, "--db", db])
        #expect(html.status == 0 && html.stdout == page + "\n", "\(html.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: page)
        let umask = Self.currentUmask()
        #expect((attributes[.posixPermissions] as? Int).map(mode_t.init) == 0o644 & ~umask)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<svg class=\"chart\""))
        #expect(!folder.entries().contains { $0.hasSuffix(".tmp") }, "no temporary file is left: \(folder.entries())")
        let nowhere = try await runner.run(["report", "html", "--output", folder.file("missing/page.html"), "--db", db])
        #expect(nowhere.status == 73 && nowhere.stderr.split(separator: "\n").count == 1, "\(nowhere.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("missing")))
    }

    /// The process's umask, read without changing it for longer than the call.
    static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    @Test("a URL of another engine is refused (exit 78), a PostgreSQL one that cannot be reached fails (exit 74): one line, password masked, nothing created; demo refuses a URL (64)")
    func databaseURLs() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        for arguments in [
            ["track", "video_1", "--no-poll"], ["sync"], ["jobs"], ["report", "durations"], ["export", "jobs"],
        ] {
            for (url, status) in [("mysql://tracker:s3cret@127.0.0.1:3306/videos", 78), ("postgres://tracker:s3cret@127.0.0.1:1/videos", 74)] {
                let result = try await runner.run(arguments + ["--db", url], environment: ["SORATRACK_API_KEY": "sk-x"])
                #expect(result.status == Int32(status), "\(arguments) \(url): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(":***@127.0.0.1"), "\(result.stderr)")
                #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
            }
        }
        // The demo keeps its history in an SQLite file: a URL is a usage error, not a file named after it.
        let demo = try await runner.run(["demo", "--db", "postgres://tracker:s3cret@127.0.0.1:1/videos"])
        #expect(demo.status == 64 && demo.stderr.contains("SQLite file"), "\(demo.stderr)")
        #expect(!demo.stderr.contains("s3cret") && !demo.stdout.contains("s3cret"))
        #expect(!folder.entries().contains { $0.hasPrefix("postgres") || $0.hasPrefix("mysql") }, "\(folder.entries())")
    }

    @Test("reports print the golden numbers in every format, with a pinned --now")
    func reports() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        let db = folder.file("db.sqlite")
        try ReportFixture.build(try TestBackend.open(db))
        let durations = try await runner.run(["report", "durations", "--by", "model", "--format", "csv", "--db", db])
        #expect(durations.status == 0)
        #expect(durations.stdout == "group,count,mean_s,p50_s,p90_s,p95_s,p99_s,max_s\r\nsora-2,4,78.75,75,111,115.5,119.1,120\r\nsora-2-pro,1,600,600,600,600,600,600\r\n")
        let failures = try await runner.run(["report", "failures", "--since", "2026-11-20", "--format", "json", "--db", db])
        #expect(failures.stdout == "[\n{\"group\":\"all\",\"total\":3,\"completed\":1,\"failed\":0,\"pending\":2,\"failure_rate\":0}\n]\n")
        // An age counts back from --now: 2 days before 2026-11-21T00:00:00Z is day A.
        let aged = try await runner.run(["report", "failures", "--since", "2d", "--now", "2026-11-21T00:00:00Z", "--format", "csv", "--no-header", "--db", db])
        #expect(aged.stdout == "all,11,5,3,2,0.375\r\n")
        let expiring = try await runner.run(["report", "expiring", "--now", String(ReportFixture.now), "--include-expired", "--within", "30m", "--db", db])
        #expect(expiring.status == 0)
        #expect(expiring.stdout.contains("c3"))
        #expect(expiring.stdout.contains("-1m40s"))
        #expect(expiring.stdout.split(separator: "\n").last?.contains("/videos/VIDEO_ID/content") == true)
    }

    @Test("export to a file in a missing folder exits 73; no database exits 74")
    func exportErrors() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        let db = folder.file("db.sqlite")
        _ = try TestBackend.open(db)
        let missingFolder = try await runner.run(["export", "jobs", "--output", folder.file("no/such/out.csv"), "--db", db])
        #expect(missingFolder.status == 73)
        #expect(missingFolder.stderr.contains("does not exist"))
        let noDatabase = try await runner.run(["export", "jobs", "--db", folder.file("none.sqlite")])
        #expect(noDatabase.status == 74)
    }

    @Test(
        "an export killed with SIGKILL mid-write leaves no file at PATH, the next export cleans up after it; SIGTERM leaves nothing",
        .enabled(if: TestBackend.isSQLite, "the output file is written alike on both; its big history takes minutes to record on PostgreSQL"))
    func killedExport() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let runner = CommandRunner(folder: folder.path)
        let db = folder.file("big.sqlite")
        let database = try TestBackend.open(db)
        let output = folder.file("snapshots.csv")
        let errorText = String(repeating: "transport: connection reset by peer; ", count: 12)
        var recorded = 0
        var target = 100_000
        for _ in 0..<5 {
            // Grow the history until the export takes long enough to be caught mid-write.
            while recorded < target {
                let date = Date(timeIntervalSince1970: 1_795_046_400 + Double(recorded))
                let batch = (0..<10_000).map { index in
                    PollAttempt(
                        videoID: Poll.id("video_\((recorded + index) % 2000)"), attempt: 0, startedAt: date, finishedAt: date,
                        pollError: errorText)
                }
                _ = try database.record(batch, runID: nil)
                recorded += batch.count
            }
            let export = try runner.start(["export", "snapshots", "--output", output, "--db", db])
            let temporary = { folder.entries().first { $0.hasPrefix(".snapshots.csv.soratrack-") && $0.hasSuffix(".tmp") } }
            try await waitUntil("the export to write its temporary file", seconds: 60) {
                guard export.process.isRunning else { return true }
                guard let name = temporary() else { return false }
                let size = (try? FileManager.default.attributesOfItem(atPath: folder.file(name))[.size] as? Int) ?? 0
                return size > 0
            }
            guard export.process.isRunning else {
                // It finished before it could be caught: try again with more rows.
                #expect(try await export.wait().status == 0)
                try FileManager.default.removeItem(atPath: output)
                target *= 4
                continue
            }
            kill(export.process.processIdentifier, SIGKILL)
            let killed = try await export.wait()
            #expect(killed.status == SIGKILL)
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(temporary() != nil)  // hidden and recognisable

            let again = try await runner.run(["export", "snapshots", "--output", output, "--db", db])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(temporary() == nil)
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\r\n").count
            #expect(lines == recorded + 1)

            // SIGTERM (or Ctrl-C) mid-write: the temporary file is removed at once, nothing appears.
            let interrupted = folder.file("interrupted.csv")
            let second = try runner.start(["export", "snapshots", "--output", interrupted, "--db", db])
            let partial = { folder.entries().first { $0.hasPrefix(".interrupted.csv.soratrack-") } }
            try await waitUntil("the interrupted export to write", seconds: 60) {
                guard second.process.isRunning, let name = partial() else { return !second.process.isRunning }
                return ((try? FileManager.default.attributesOfItem(atPath: folder.file(name))[.size] as? Int) ?? 0) > 0
            }
            #expect(second.process.isRunning)
            // Stopped while mid-write, the signal is pending when it resumes: it lands with most of the rows still to
            // write, however loaded the machine is (sent to a running export, it could arrive after the last row).
            kill(second.process.processIdentifier, SIGSTOP)
            kill(second.process.processIdentifier, SIGTERM)
            kill(second.process.processIdentifier, SIGCONT)
            #expect(try await second.wait().status == 128 + SIGTERM)
            #expect(!FileManager.default.fileExists(atPath: interrupted))
            #expect(partial() == nil)
            return
        }
        Issue.record("the export always finished before it could be killed")
    }
}
