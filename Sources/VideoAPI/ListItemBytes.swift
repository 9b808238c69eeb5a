import Foundation
import VideoModel

/// Finds the exact bytes of each element of a list page's top-level `data` array, so that a listed video is stored
/// as it was sent (key order, spacing and unknown fields kept) rather than re-encoded.
enum ListItemBytes {
    /// The bytes of every element of the top-level `"data"` array (the last such key wins, as in the parser); nil when
    /// the body is not an object holding one.
    static func items(in body: Data) -> [Data]? {
        let bytes = [UInt8](body)
        var scanner = Scanner(bytes: bytes)
        guard let ranges = scanner.dataElements() else { return nil }
        return ranges.map { Data(bytes[$0]) }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func dataElements() -> [Range<Int>]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var found: [Range<Int>]?
            skipSpace()
            if take(UInt8(ascii: "}")) { return nil }
            while true {
                skipSpace()
                guard let keyRange = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                if bytes[keyRange].elementsEqual("\"data\"".utf8) {
                    guard peek() == UInt8(ascii: "[") else { return nil }
                    guard let elements = arrayElements() else { return nil }
                    found = elements
                } else {
                    guard value() else { return nil }
                }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return found
            }
        }

        private mutating func arrayElements() -> [Range<Int>]? {
            index += 1
            var ranges: [Range<Int>] = []
            skipSpace()
            if take(UInt8(ascii: "]")) { return ranges }
            while true {
                skipSpace()
                let start = index
                guard value() else { return nil }
                ranges.append(start..<index)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return ranges
            }
        }

        /// Skips one value; false when the bytes end first.
        private mutating func value() -> Bool {
            guard let byte = peek() else { return false }
            switch byte {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let next = peek() {
                    switch next {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                // A number or a literal: up to the next delimiter.
                let start = index
                while let next = peek(), !Self.ends(next) { index += 1 }
                return index > start
            }
        }

        /// Skips one string, escapes included, and returns its range with the quotes.
        private mutating func string() -> Range<Int>? {
            guard peek() == UInt8(ascii: "\"") else { return nil }
            let start = index
            index += 1
            while let byte = peek() {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return start..<index
                }
            }
            return nil
        }

        private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipSpace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        private static func ends(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == 0x20
                || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
    }
}
