import Foundation

/// Case-insensitive look-up in an ordered list of header fields.
enum HeaderFields {
    /// The first value of header `name`, trimmed; nil when absent.
    static func value(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }
            .map { $0.1.trimmingCharacters(in: .whitespaces) }
    }
}
