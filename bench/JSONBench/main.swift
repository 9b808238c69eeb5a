import Foundation
import VideoModel
import VideoSimulator

// Usage: soratrack-json-bench [COUNT]
//
// Times the two hand-written JSON parts against what Foundation offers for the same work, in one process, on the
// same machine: reading a poll's body (the hot path of `sync`: `Video.decode`, the hand-written parser) and writing
// one (the simulator's `JSONText`, which answers every poll of the benchmarks). Prints one line per measure:
//   NAME  NANOSECONDS_PER_BODY
// best of five rounds of COUNT bodies (default 100 000).

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000

/// A poll's body as the simulator serves it: every key of the Video object, in the API reference's order.
func writeWithJSONText(_ i: Int) -> [UInt8] {
    var json = JSONText(capacity: 400)
    json.beginObject()
    json.field("id", "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5-\(i)")
    json.field("object", "video")
    json.field("model", "sora-2")
    json.field("status", "in_progress")
    json.field("progress", Int64(i % 100))
    json.field("created_at", Int64(1_795_000_000 + i))
    json.field("completed_at", nil as Int64?)
    json.field("expires_at", nil as Int64?)
    json.field("prompt", "A calico cat playing a piano on stage, \"spotlight\", 35mm")
    json.field("size", "1280x720")
    json.field("seconds", "8")
    json.field("remixed_from_video_id", nil as String?)
    json.key("error")
    json.null()
    json.endObject()
    return json.bytes
}

/// The same body through `JSONSerialization` (keys sorted, so that every body has one order).
func writeWithJSONSerialization(_ i: Int) -> [UInt8] {
    let object: [String: Any] = [
        "id": "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5-\(i)", "object": "video", "model": "sora-2",
        "status": "in_progress", "progress": i % 100, "created_at": 1_795_000_000 + i, "completed_at": NSNull(),
        "expires_at": NSNull(), "prompt": "A calico cat playing a piano on stage, \"spotlight\", 35mm", "size": "1280x720",
        "seconds": "8", "remixed_from_video_id": NSNull(), "error": NSNull(),
    ]
    return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

/// The same body through `JSONEncoder` and a `Codable` struct (keys in declaration order, nulls written).
struct WireVideo: Encodable {
    var id: String, object = "video", model = "sora-2", status = "in_progress", progress: Int, created_at: Int64
    var completed_at: Int64? = nil, expires_at: Int64? = nil
    var prompt = "A calico cat playing a piano on stage, \"spotlight\", 35mm", size = "1280x720", seconds = "8"
    var remixed_from_video_id: String? = nil
    var error: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, object, model, status, progress, created_at, completed_at, expires_at, prompt, size, seconds
        case remixed_from_video_id, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(model, forKey: .model)
        try container.encode(status, forKey: .status)
        try container.encode(progress, forKey: .progress)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(completed_at, forKey: .completed_at)
        try container.encode(expires_at, forKey: .expires_at)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(size, forKey: .size)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(remixed_from_video_id, forKey: .remixed_from_video_id)
        try container.encode(error, forKey: .error)
    }
}

let encoder = JSONEncoder()
func writeWithJSONEncoder(_ i: Int) -> [UInt8] {
    Array(try! encoder.encode(WireVideo(id: "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5-\(i)", progress: i % 100, created_at: Int64(1_795_000_000 + i))))
}

let bodies = (0..<1000).map { Data(writeWithJSONText($0)) }

/// `sync`'s reading of a body: the hand-written parser, then the lenient `Video`.
func readWithParser(_ body: Data) -> Video { try! Video.decode(from: body) }

/// The same lenient `Video` from the same `JSONValue`, parsed by `JSONDecoder` instead.
let decoder = JSONDecoder()
func readWithJSONDecoder(_ body: Data) -> Video { try! decoder.decode(Video.self, from: body) }

/// The same fields through `JSONSerialization`'s dictionaries.
func readWithJSONSerialization(_ body: Data) -> Video {
    let object = try! JSONSerialization.jsonObject(with: body) as! [String: Any]
    return Video(
        id: object["id"] as! String, status: object["status"] as! String, object: object["object"] as? String,
        model: object["model"] as? String, progress: (object["progress"] as? NSNumber)?.intValue,
        createdAt: (object["created_at"] as? NSNumber)?.int64Value, completedAt: (object["completed_at"] as? NSNumber)?.int64Value,
        expiresAt: (object["expires_at"] as? NSNumber)?.int64Value, prompt: object["prompt"] as? String,
        size: object["size"] as? String, seconds: object["seconds"] as? String,
        remixedFromVideoID: object["remixed_from_video_id"] as? String, error: nil)
}

/// Best of five rounds of `count` calls, in nanoseconds per call.
func measure(_ body: (Int) -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count { body(i) }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count))
    }
    return best
}

var sink = 0
func report(_ name: String, _ body: (Int) -> Void) {
    print(name, String(format: "%.0f", measure(body)))
}
// The three readers agree on what they read, so the figures compare the same work.
precondition(readWithParser(bodies[7]) == readWithJSONDecoder(bodies[7]))
precondition(readWithParser(bodies[7]).prompt == readWithJSONSerialization(bodies[7]).prompt)
report("read_parser") { sink &+= readWithParser(bodies[$0 % bodies.count]).progress ?? 0 }
report("read_jsondecoder") { sink &+= readWithJSONDecoder(bodies[$0 % bodies.count]).progress ?? 0 }
report("read_jsonserialization") { sink &+= readWithJSONSerialization(bodies[$0 % bodies.count]).progress ?? 0 }
report("write_jsontext") { sink &+= writeWithJSONText($0).count }
report("write_jsonencoder") { sink &+= writeWithJSONEncoder($0).count }
report("write_jsonserialization") { sink &+= writeWithJSONSerialization($0).count }
if sink == 42 { print("") }  // keeps the work from being optimised away
