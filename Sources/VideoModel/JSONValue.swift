import Foundation

/// A parsed JSON value; numbers keep their literal text so integers never pass through `Double`.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses one JSON document, reporting a short readable reason when it is not JSON.
    package static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(data))
        return try parser.parseDocument()
    }

    /// The member `key` of an object, or nil for other values.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The first element of an array, or nil for other values and empty arrays.
    package var first: JSONValue? {
        if case .array(let elements) = self { return elements.first }
        return nil
    }

    /// A word for the kind of value, for error messages.
    package var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The number as a `Double` (nil for other values).
    package var doubleValue: Double? {
        if case .number(let literal) = self { return Double(literal) }
        return nil
    }

    /// The value when it is a string.
    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A string, or a number written back as text (`4` → "4", `4.0` → "4", `4.5` → "4.5").
    package var textValue: String? {
        switch self {
        case .string(let text): return text
        case .number(let literal): return Self.canonicalNumberText(literal)
        default: return nil
        }
    }

    /// An integer from an integer, a float (rounded down) or a numeric string.
    package var integerValue: Int64? {
        switch self {
        case .number(let literal): return Self.integer(fromNumberText: literal)
        case .string(let text): return Self.integer(fromNumberText: text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// A boolean from `true`/`false`, or the strings "true"/"false".
    package var boolValue: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string(let text):
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    package static func integer(fromNumberText text: String) -> Int64? {
        if let exact = Int64(text) { return exact }
        guard let value = Double(text), value.isFinite else { return nil }
        let floored = value.rounded(.down)
        guard floored >= -9.2e18, floored <= 9.2e18 else { return nil }
        return Int64(floored)
    }

    package static func canonicalNumberText(_ literal: String) -> String {
        if let exact = Int64(literal) { return String(exact) }
        guard let value = Double(literal), value.isFinite else { return literal }
        if value == value.rounded(), abs(value) < 9.2e18 { return String(Int64(value)) }
        return String(value)
    }
}

extension JSONValue: Decodable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int64.self) {
            self = .number(String(integer))
        } else if let real = try? container.decode(Double.self) {
            self = .number(String(real))
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else if let members = try? container.decode([String: JSONValue].self) {
            self = .object(members)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }
}

/// Why a body is not JSON, in a few words.
package struct JSONParseError: Error, Sendable, CustomStringConvertible {
    package let description: String
}

/// The shared first step of the lenient wire types: bytes (or a `Decoder`) to `JSONValue`, with readable errors.
package enum LenientBody {
    /// Parses a response body; an HTML page or broken JSON becomes `VideoAPIError.malformedBody`.
    package static func parse(_ body: Data) throws(VideoAPIError) -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
            if !body.isEmpty, BodyText.isHTML(text, contentType: nil) {
                throw .malformedBody(BodyText.htmlSummary(text))
            }
            throw .malformedBody(error.description)
        }
    }

    /// Reads a value through any `Decoder` with the same lenient rules, for `Decodable` conformances.
    package static func decode<T>(_ decoder: any Decoder, _ make: (JSONValue) throws(VideoAPIError) -> T) throws -> T {
        let json = try JSONValue(from: decoder)
        do {
            return try make(json)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}
