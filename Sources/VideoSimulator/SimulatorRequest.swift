import Foundation

/// One HTTP request as the simulator sees it, independent of the server library that received it.
struct SimulatorRequest: Sendable {
    var method: String
    /// The request target as sent: path and optional query.
    var target: String
    /// Header names and values in the order received.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Set when the body exceeded the size the server accepts (the body is then incomplete).
    var bodyTooLarge = false
    /// The local port the request arrived on (0 when unknown), for the links written in bodies.
    var localPort = 0

    /// The path part of the target, not percent-decoded.
    var path: String {
        guard let mark = target.firstIndex(of: "?") else { return target }
        return String(target[..<mark])
    }

    /// The query part of the target without `?`, or nil.
    var query: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    /// The path's segments, each percent-decoded; empty segments (doubled or trailing slashes) are dropped.
    var pathSegments: [String] {
        path.split(separator: "/").map { segment in
            String(segment).removingPercentEncoding ?? String(segment)
        }
    }

    /// The query's parameters (first value wins), `+` read as a space and percent-decoded.
    var queryItems: [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = SimulatorRequest.formDecode(parts[0])
            let value = parts.count > 1 ? SimulatorRequest.formDecode(parts[1]) : ""
            if items[name] == nil { items[name] = value }
        }
        return items
    }

    /// Whether the request carries an `authorization` or an `api-key` header.
    var sendsAuth: Bool {
        header("authorization") != nil || header("api-key") != nil
    }

    /// The first value of the header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    private static func formDecode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
