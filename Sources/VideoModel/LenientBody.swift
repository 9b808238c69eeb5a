import Foundation

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
