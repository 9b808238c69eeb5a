import Foundation

/// A parsed `multipart/form-data` body: the named parts, text fields and files alike.
struct MultipartForm: Sendable {
    /// One part of the form.
    struct Part: Sendable, Hashable {
        var name: String
        /// Set for file uploads.
        var filename: String?
        var contentType: String?
        var data: [UInt8]

        /// The part's bytes as UTF-8 text.
        var text: String { String(decoding: data, as: UTF8.self) }
    }

    var parts: [Part]

    /// Parses `body` sent with `contentType`; nil when the boundary is missing or the body is malformed.
    init?(body: [UInt8], contentType: String) {
        guard let boundary = MultipartForm.boundary(in: contentType) else { return nil }
        let delimiter = Array(("--" + boundary).utf8)
        let closeDelimiter = Array(("\r\n--" + boundary).utf8)
        guard var cursor = MultipartForm.find(delimiter, in: body, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if body[cursor...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { break }
            // Skip transport padding and the line break after the delimiter.
            while cursor < body.count, body[cursor] == UInt8(ascii: " ") || body[cursor] == UInt8(ascii: "\t") {
                cursor += 1
            }
            if body[cursor...].starts(with: [13, 10]) { cursor += 2 } else { return nil }
            guard let headerEnd = MultipartForm.find([13, 10, 13, 10], in: body, from: cursor),
                  let dataEnd = MultipartForm.find(closeDelimiter, in: body, from: headerEnd + 4)
            else { return nil }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            guard let part = MultipartForm.part(headers: headerText, data: Array(body[(headerEnd + 4)..<dataEnd]))
            else { return nil }
            parts.append(part)
            cursor = dataEnd + 2
        }
        self.parts = parts
    }

    /// The first text (non-file) part named `name`.
    func field(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename == nil }
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(in contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            guard piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = unquote(piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    private static func part(headers: String, data: [UInt8]) -> Part? {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let header = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if header == "content-type" { contentType = value }
            guard header == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                guard let equals = parameter.firstIndex(of: "=") else { continue }
                let key = parameter[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                let raw = unquote(parameter[parameter.index(after: equals)...].trimmingCharacters(in: .whitespaces))
                if key == "name" { name = raw } else if key == "filename" { filename = raw }
            }
        }
        guard let name else { return nil }
        return Part(name: name, filename: filename, contentType: contentType, data: data)
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// The first index at which `needle` occurs in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
