/// A deterministic random source (SplitMix64): the same seed, stream and index always give the same values.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for item `index` of the named `stream` under `seed`, independent of every other stream and index.
    init(seed: UInt64, stream: Stream, index: UInt64) {
        state = SeededRandom.mix(seed ^ SeededRandom.mix(stream.rawValue &+ SeededRandom.mix(index)))
    }

    /// The independent streams the simulator draws from, so that one kind of draw never shifts another.
    enum Stream: UInt64 {
        case videoID = 0x7669_6465_6f00_0001
        case requestID = 0x7265_7175_6573_0002
        case jobPlan = 0x706c_616e_0000_0003
        case content = 0x636f_6e74_656e_0004
        case fault = 0x6661_756c_7400_0005
        case jitter = 0x6a69_7474_6572_0006
        case deployment = 0x6465_706c_6f79_0007
        case file = 0x6669_6c65_0000_0008
        case signature = 0x7369_676e_0000_0009
        case callID = 0x6361_6c6c_0000_000a
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform value in `0..<1`, computed the same way on every platform and toolchain.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform value in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// `count` random bytes as lowercase hexadecimal digits (`2 * count` characters).
    mutating func hex(bytes count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        var word: UInt64 = 0
        for index in 0..<count {
            if index % 8 == 0 { word = next() }
            let byte = UInt8(truncatingIfNeeded: word >> UInt64((index % 8) * 8))
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` random letters and digits (`A–Z`, `a–z`, `0–9`).
    mutating func alphanumeric(count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random version-4 UUID in lowercase, such as `3b241101-e2bb-4255-8caf-4136c566a962`.
    mutating func uuid() -> String {
        var digits = Array(hex(bytes: 16).utf8)
        digits[12] = UInt8(ascii: "4")
        digits[16] = Array("89ab".utf8)[Int(next() % 4)]
        var out: [UInt8] = []
        for (index, digit) in digits.enumerated() {
            if [8, 12, 16, 20].contains(index) { out.append(UInt8(ascii: "-")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable 64-bit hash (FNV-1a) of a string, for deriving per-id streams.
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }
}
