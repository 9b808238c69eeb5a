import Foundation
import Testing
@testable import VideoSimulator

@Suite("Job lifecycle on the virtual clock")
struct LifecycleTests {
    @Test("stepping the clock moves a job from queued through rising progress to completed")
    func queuedToCompleted() async throws {
        try await withSimulator { simulator, client async throws in
            let created = simulator.createVideo(prompt: "lifecycle", outcome: .completed, durationSeconds: 100)
            var statuses: [String] = []
            var progresses: [Int] = []
            var last: [String: Any] = [:]
            for _ in 0..<25 {
                last = try await client.get("/v1/videos/\(created.id)").json
                let status = try #require(last["status"] as? String)
                if statuses.last != status { statuses.append(status) }
                progresses.append(try #require(last["progress"] as? Int))
                simulator.advance(by: 5)
            }
            #expect(statuses == ["queued", "in_progress", "completed"])
            #expect(progresses == progresses.sorted(), "progress never falls")
            #expect(progresses.contains { (1...99).contains($0) }, "some poll sees progress between 1 and 99")
            #expect(last["progress"] as? Int == 100)
            let createdAt = try #require(last["created_at"] as? Int)
            let completedAt = try #require(last["completed_at"] as? Int)
            #expect(completedAt == createdAt + 100)
            #expect(last["expires_at"] as? Int == completedAt + 3600)
            #expect(last["error"] is NSNull)
        }
    }

    @Test("a failed job ends with its error, keeps its progress and has no completed_at")
    func failedJob() async throws {
        try await withSimulator { simulator, client async throws in
            let created = simulator.createVideo(
                prompt: "fails", outcome: .failed(code: "generation_failed", message: "It broke."), durationSeconds: 60
            )
            simulator.advance(by: 59)
            let running = try await client.get("/v1/videos/\(created.id)").json
            #expect(running["status"] as? String == "in_progress")
            let progressBefore = try #require(running["progress"] as? Int)
            simulator.advance(by: 1)
            let failed = try await client.get("/v1/videos/\(created.id)").json
            #expect(failed["status"] as? String == "failed")
            #expect(failed["completed_at"] is NSNull)
            #expect(failed["expires_at"] is NSNull)
            let progressAfter = try #require(failed["progress"] as? Int)
            #expect(progressAfter >= progressBefore && progressAfter < 100)
            let error = try #require(failed["error"] as? [String: Any])
            #expect(error["code"] as? String == "generation_failed")
            #expect(error["message"] as? String == "It broke.")
            #expect(Set(error.keys) == ["code", "message"])
        }
    }

    @Test("seeded plans are realistic: queued 5–30 s, running 30–240 s, pro and long clips slower")
    func seededPlansAreRealistic() {
        var fastTotal: Int64 = 0
        var slowTotal: Int64 = 0
        for index in UInt64(0)..<200 {
            let fast = JobPlan(seed: 7, index: index, model: "sora-2", seconds: "4", size: "720x1280",
                               failureRate: 0, outcome: nil, durationSeconds: nil)
            let slow = JobPlan(seed: 7, index: index, model: "sora-2-pro", seconds: "12", size: "1792x1024",
                               failureRate: 0, outcome: nil, durationSeconds: nil)
            for plan in [fast, slow] {
                #expect((5...30).contains(plan.queueSeconds))
                #expect((30...240).contains(plan.runSeconds))
                #expect(plan.ending == .completed)
            }
            fastTotal += fast.runSeconds
            slowTotal += slow.runSeconds
        }
        #expect(slowTotal > 2 * fastTotal)
    }

    @Test("the failure rate decides the share of jobs that fail, with known error codes")
    func failureRate() {
        let codes = Set(JobPlan.failureKinds.map(\.code))
        var failures = 0
        for index in UInt64(0)..<1000 {
            let plan = JobPlan(seed: 3, index: index, model: "sora-2", seconds: "4", size: "720x1280",
                               failureRate: 0.15, outcome: nil, durationSeconds: nil)
            if case .failed(let code, let message, let progress) = plan.ending {
                failures += 1
                #expect(codes.contains(code))
                #expect(!message.isEmpty)
                #expect((0...99).contains(progress))
                if code == "moderation_blocked" { #expect(progress == 0) }
            }
            let never = JobPlan(seed: 3, index: index, model: "sora-2", seconds: "4", size: "720x1280",
                                failureRate: 0, outcome: nil, durationSeconds: nil)
            #expect(never.ending == .completed)
        }
        #expect((100...200).contains(failures), "about 15% of 1000 jobs fail, got \(failures)")
    }

    @Test("a forced duration is the exact time from creation to the ending")
    func forcedDuration() async throws {
        try await withSimulator { simulator, _ async throws in
            let video = simulator.createVideo(prompt: "exact", outcome: .completed, durationSeconds: 42)
            simulator.advance(by: 41.9)
            #expect(simulator.video(video.id)?.isTerminal == false)
            simulator.advance(by: 0.1)
            let done = try #require(simulator.video(video.id))
            #expect(done.status == "completed")
            #expect(done.completedAt == video.createdAt.addingTimeInterval(42))
            #expect(done.expiresAt == video.createdAt.addingTimeInterval(42 + 3600))
        }
    }

    @Test("with speed above 0 the virtual clock runs on its own")
    func speedMovesTheClock() async throws {
        var configuration = SimulatorConfiguration.testing()
        configuration.speed = 1000
        try await withSimulator(configuration) { simulator, _ async throws in
            let start = simulator.now
            #expect(await eventually { simulator.now.timeIntervalSince(start) >= 5 })
        }
    }
}
