import Foundation
import JobStore
import TestSupport
import VideoAPI

/// A suite whose tests each use a fresh database file at `path`, tracked ids in it, removed afterwards.
protocol TemporaryDatabaseSuite {
    /// Where this test's database lives (a new temporary file per suite instance).
    var path: String { get }
}

extension TemporaryDatabaseSuite {
    /// Opens the database at `path` with `ids` tracked.
    func database(tracking ids: [String]) throws -> any HistoryStore {
        let db = try TestBackend.open(path)
        _ = try db.track(ids.map { try VideoID(validating: $0) }, label: nil, at: Date(timeIntervalSince1970: 1_773_300_000))
        return db
    }

    /// Removes the database and its -wal and -shm files.
    func cleanUp() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
