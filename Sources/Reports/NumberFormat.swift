import Foundation

/// Decimal numbers with at most N decimals and no trailing zeros (`2.5`, `3.7`, `12`).
enum NumberFormat {
    /// The text of `value` with at most `digits` decimals; `NaN`/`Infinity` for non-finite values.
    static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity") }
        if let whole = wholeNumber(value) { return String(whole) }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return text
    }

    /// `value` as an integer when it has no fraction and fits exactly (the common case: whole seconds).
    @inline(__always)
    static func wholeNumber(_ value: Double) -> Int64? {
        guard value.rounded(.towardZero) == value, abs(value) < 9.0e15 else { return nil }
        return Int64(value)
    }

    /// Appends `value` with at most `digits` decimals (whole numbers without `String(format:)`).
    @inline(__always)
    static func write(_ value: Double, digits: Int, to sink: OutputSink) throws(OutputError) {
        if let whole = wholeNumber(value) {
            try write(whole, to: sink)
        } else {
            try sink.write(decimal(value, digits: digits))
        }
    }

    /// Appends the decimal digits of `value`.
    @inline(__always)
    static func write(_ value: Int64, to sink: OutputSink) throws(OutputError) {
        let out = try sink.reserve(20)
        sink.commit(digits(of: value, into: out))
    }

    /// Writes the decimal digits of `value` at `out` (at most 20 bytes) and returns how many.
    @inline(__always)
    static func digits(of value: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of stack space
        return withUnsafeMutableBytes(of: &scratch) { raw -> Int in
            let end = raw.count
            var position = end
            repeat {
                position -= 1
                raw[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            } while magnitude > 0
            var length = 0
            if value < 0 {
                out[0] = UInt8(ascii: "-")
                length = 1
            }
            for index in position..<end {
                out[length] = raw[index]
                length += 1
            }
            return length
        }
    }
}
