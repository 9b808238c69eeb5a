import Foundation
import JobStore
import TestSupport
import Reports
import VideoAPI

/// A fresh temporary folder per test, removed by the caller's `defer`.
struct TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "soratrack-reports-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The names in the folder, sorted.
    func entries() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// Records the poll attempts a test database is built from.
enum Poll {
    static func id(_ text: String) -> VideoID { try! VideoID(validating: text) }

    /// A video body as a provider sends it; nil values are JSON null, `error` a `{code,message}` object.
    static func body(
        _ id: String, status: String, model: String? = "sora-2", size: String? = "1280x720", seconds: String? = "4",
        created: Int64?, completed: Int64? = nil, expires: Int64? = nil, errorCode: String?? = nil,
        prompt: String? = "a cat", progress: Int = 0
    ) -> Data {
        var object: [String: Any] = [
            "id": id, "object": "video", "status": status, "progress": progress,
            "model": model ?? NSNull(), "size": size ?? NSNull(), "seconds": seconds ?? NSNull(),
            "created_at": created ?? NSNull(), "completed_at": completed ?? NSNull(), "expires_at": expires ?? NSNull(),
            "prompt": prompt ?? NSNull(), "remixed_from_video_id": NSNull(),
        ]
        if let errorCode {
            object["error"] = ["code": errorCode ?? NSNull(), "message": "generation failed"] as [String: Any]
        } else {
            object["error"] = NSNull()
        }
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// A 200 response carrying `body`, polled at unix second `at`.
    static func ok(_ body: Data, at: Int64) -> PollAttempt {
        let video = try! Video.decode(from: body)
        let date = Date(timeIntervalSince1970: Double(at))
        return PollAttempt(
            videoID: id(video.id), attempt: 0, startedAt: date, finishedAt: date, httpStatus: 200,
            requestID: "req_\(UUID().uuidString)", body: body, contentType: "application/json", video: video)
    }

    /// A 404 answer for `id` at unix second `at`.
    static func notFound(_ id: String, at: Int64) -> PollAttempt {
        let date = Date(timeIntervalSince1970: Double(at))
        return PollAttempt(
            videoID: self.id(id), attempt: 0, startedAt: date, finishedAt: date, httpStatus: 404,
            requestID: "req_\(UUID().uuidString)", body: Data(#"{"error":{"message":"not found","code":"not_found"}}"#.utf8),
            contentType: "application/json", pollError: "HTTP 404 not_found: not found")
    }
}

/// Parses CSV by RFC 4180 independently of the writer: quoted fields, doubled quotes, CRLF records.
enum RFC4180 {
    /// The records of `text`, each a list of fields; nil when the text is not valid RFC 4180.
    static func parse(_ text: String) -> [[String]]? {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        var quoted = false
        var fieldStarted = false
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
            fieldStarted = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 2
                        continue
                    }
                    quoted = false
                    index += 1
                    // After a closing quote only a separator or the end of the record may follow.
                    guard index == bytes.count || bytes[index] == UInt8(ascii: ",") || bytes[index] == 13 else { return nil }
                    continue
                }
                field.append(byte)
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard !fieldStarted && field.isEmpty else { return nil }  // a quote inside an unquoted field
                quoted = true
                fieldStarted = true
                index += 1
            case UInt8(ascii: ","):
                endField()
                index += 1
            case 13:
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }  // CR only as part of CRLF
                endField()
                records.append(record)
                record = []
                index += 2
            case 10:
                return nil  // a bare LF outside quotes
            default:
                field.append(byte)
                fieldStarted = true
                index += 1
            }
        }
        guard !quoted else { return nil }
        if fieldStarted || !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}

/// Runs `body` with a fresh database in a temporary folder.
func withDatabase<T>(_ body: (any HistoryStore, TemporaryFolder) throws -> T) throws -> T {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let database = try TestBackend.open(folder.file("jobs.sqlite"))
    return try body(database, folder)
}

extension TabularReport {
    /// The CSV text of the report's rows without the header, one string per row.
    var csvLines: [String] {
        let text = self.text(format: .csv, style: OutputStyle(header: false))
        return text.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
    }
}
