extension Duration {
    /// The duration in seconds as a `Double`.
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration from a number of seconds, kept to the microsecond so equal inputs give equal values.
    package static func seconds(exactly seconds: Double) -> Duration {
        .microseconds(Int64((seconds * 1_000_000).rounded()))
    }

    /// "30 s", "1.5 s", "0.375 s": seconds with up to three decimals.
    package var readableSeconds: String {
        let millis = (secondsValue * 1000).rounded()
        if millis.truncatingRemainder(dividingBy: 1000) == 0 {
            return "\(Int64(millis / 1000)) s"
        }
        var text = String(Int64(millis / 1000)) + "."
        let fraction = Int64(abs(millis).truncatingRemainder(dividingBy: 1000))
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        text += digits
        return (millis < 0 && millis > -1000 ? "-" : "") + text + " s"
    }
}
