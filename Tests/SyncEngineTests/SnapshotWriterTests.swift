import Foundation
import JobStore
import TestSupport
import Testing
import VideoAPI

@testable import SyncEngine

@Suite("Group commit of snapshots")
struct SnapshotWriterTests {
    let path = NSTemporaryDirectory() + "soratrack-writer-\(UUID().uuidString).sqlite"

    func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("attempts recorded from many tasks at once are each stored exactly once, and each caller gets its own result")
    func concurrentRecordsLandOnce() async throws {
        defer { cleanUp() }
        let db = try TestBackend.open(path)
        let ids = try (0..<200).map { try VideoID(validating: "video_\($0)") }
        _ = try db.track(ids, label: nil, at: Date(timeIntervalSince1970: 1_773_300_000))
        let writer = SnapshotWriter(database: db, runID: nil)
        let results = try await withThrowingTaskGroup(of: (VideoID, RecordedPoll).self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask {
                    var attempt = PollAttempt(videoID: id, attempt: 0, startedAt: Date(timeIntervalSince1970: 1_773_300_100), finishedAt: Date(timeIntervalSince1970: 1_773_300_100))
                    attempt.httpStatus = 200
                    attempt.requestID = "req_\(index)"
                    let status = index.isMultiple(of: 2) ? "completed" : "in_progress"
                    attempt.body = Data(#"{"id":"\#(id.rawValue)","object":"video","status":"\#(status)","progress":\#(index % 100)}"#.utf8)
                    attempt.video = try Video.decode(from: attempt.body!)
                    return (id, try await writer.record(attempt))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 200)
        for (index, id) in ids.enumerated() {
            #expect(results[id]?.videoID == id)
            #expect(results[id]?.after == (index.isMultiple(of: 2) ? .completed : .running))
            let snapshots = try db.snapshots(of: id)
            #expect(snapshots.map(\.requestID) == ["req_\(index)"])
        }
        #expect(try db.recordedRequestIDs().count == 200)
    }
}
