import Foundation

/// Turning response bodies that are not JSON into one readable line.
package enum BodyText {
    /// The longest excerpt of a body put into a message.
    package static let excerptLength = 200

    /// Whether a body is an HTML page (by content type or by its first tag).
    package static func isHTML(_ text: String, contentType: String?) -> Bool {
        if let contentType, contentType.lowercased().contains("html") { return true }
        let start = text.drop(while: { $0.isWhitespace }).prefix(512).lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html") || start.hasPrefix("<head")
            || start.hasPrefix("<body") || (start.hasPrefix("<") && start.contains("<html"))
    }

    /// "HTML page instead of JSON (title: 502 Bad Gateway)", or the page's first text when it has no title.
    package static func htmlSummary(_ text: String) -> String {
        if let title = htmlTitle(text), !title.isEmpty {
            return "HTML page instead of JSON (title: \(excerpt(title)))"
        }
        let words = excerpt(stripTags(text))
        return words.isEmpty ? "HTML page instead of JSON" : "HTML page instead of JSON: \(words)"
    }

    /// The body on one line, whitespace collapsed, cut to about 200 characters.
    package static func excerpt(_ text: String) -> String {
        let line = oneLine(text)
        return line.count > excerptLength ? String(line.prefix(excerptLength)) + "…" : line
    }

    /// Collapses every run of whitespace (newlines included) to one space and trims the ends.
    package static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    private static func htmlTitle(_ text: String) -> String? {
        guard let open = text.range(of: "<title", options: .caseInsensitive),
            let openEnd = text[open.upperBound...].firstIndex(of: ">")
        else { return nil }
        let rest = text[text.index(after: openEnd)...]
        let close = rest.range(of: "</title", options: .caseInsensitive)?.lowerBound ?? rest.endIndex
        return decodeEntities(oneLine(String(rest[..<close])))
    }

    /// The visible text of a page: scripts, styles and tags removed.
    private static func stripTags(_ text: String) -> String {
        var output = ""
        var remaining = Substring(text)
        while let open = remaining.firstIndex(of: "<") {
            output += remaining[..<open]
            output += " "
            let tail = remaining[open...]
            let head = tail.prefix(8).lowercased()
            if let hidden = ["script", "style"].first(where: { head.hasPrefix("<\($0)") }) {
                let end = tail.range(of: "</\(hidden)>", options: .caseInsensitive)?.upperBound ?? tail.endIndex
                remaining = tail[end...]
            } else if let close = tail.firstIndex(of: ">") {
                remaining = tail[tail.index(after: close)...]
            } else {
                remaining = tail[tail.endIndex...]
            }
        }
        output += remaining
        return decodeEntities(oneLine(output))
    }

    private static func decodeEntities(_ text: String) -> String {
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }
}
