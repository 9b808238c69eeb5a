/// A small strict-grammar JSON parser whose errors read well ("unexpected end of data").
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maxDepth = 256

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte-order mark
        skipWhitespace()
        guard index < bytes.count else {
            throw JSONParseError(description: bytes.isEmpty ? "empty body" : "no JSON value (only whitespace)")
        }
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw JSONParseError(description: "unexpected \(describeByte(bytes[index])) after the JSON value at byte \(index)")
        }
        return value
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard let byte = peek() else { throw endOfData() }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected(byte)
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw endOfData() }
            guard byte == UInt8(ascii: "\"") else {
                throw JSONParseError(description: "expected a quoted key but found \(describeByte(byte)) at byte \(index)")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try parseValue()
            skipWhitespace()
            guard let next = peek() else { throw endOfData() }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { break }
            index -= 1
            throw JSONParseError(description: "expected ',' or '}' but found \(describeByte(next)) at byte \(index)")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard let next = peek() else { throw endOfData() }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { break }
            index -= 1
            throw JSONParseError(description: "expected ',' or ']' but found \(describeByte(next)) at byte \(index)")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // the opening quote
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek() else { throw endOfData() }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek() else { throw endOfData() }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
                default:
                    index -= 1
                    throw JSONParseError(description: "invalid escape \\\(describeByte(escape, quoted: false)) in a string at byte \(index)")
                }
            default:
                utf8.append(byte)  // raw control characters are tolerated: some proxies send them
            }
        }
    }

    /// Reads the hex digits after `\u` (and a following low surrogate) and returns the UTF-8 bytes.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> [UInt8] {
        let first = try readHex4()
        var scalar: Unicode.Scalar?
        if (0xD800...0xDBFF).contains(first) {
            if peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                let saved = index
                index += 2
                let second = try readHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                } else {
                    index = saved  // not a pair: the lone high surrogate becomes U+FFFD below
                }
            }
        } else {
            scalar = Unicode.Scalar(first)
        }
        return Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw endOfData() }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONParseError(description: "invalid \\u escape at byte \(index)")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek() else { throw endOfData() }
        if first == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(first) {
            skipDigits()
        } else {
            throw JSONParseError(description: "invalid number at byte \(start)")
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let next = peek() else { throw endOfData() }
            guard isDigit(next) else { throw JSONParseError(description: "invalid number at byte \(start)") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let next = peek() else { throw endOfData() }
            guard isDigit(next) else { throw JSONParseError(description: "invalid number at byte \(start)") }
            skipDigits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONParseError) {
        let start = index
        for expected in literal.utf8 {
            guard let byte = peek() else { throw endOfData() }
            guard byte == expected else {
                throw JSONParseError(description: "unexpected \(describeByte(bytes[start])) at byte \(start)")
            }
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard let found = peek() else { throw endOfData() }
        guard found == byte else {
            throw JSONParseError(
                description: "expected '\(Character(Unicode.Scalar(byte)))' but found \(describeByte(found)) at byte \(index)")
        }
        index += 1
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth {
            throw JSONParseError(description: "JSON nested more than \(Self.maxDepth) levels deep")
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func endOfData() -> JSONParseError {
        JSONParseError(description: "unexpected end of data")
    }

    private func unexpected(_ byte: UInt8) -> JSONParseError {
        JSONParseError(description: "unexpected \(describeByte(byte)) at byte \(index)")
    }

    private func describeByte(_ byte: UInt8, quoted: Bool = true) -> String {
        if byte >= 0x21 && byte < 0x7F {
            let character = String(Character(Unicode.Scalar(byte)))
            return quoted ? "'\(character)'" : character
        }
        let hex = Array("0123456789ABCDEF")
        return "byte 0x\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
    }
}
