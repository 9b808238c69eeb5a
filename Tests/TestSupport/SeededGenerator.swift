import Foundation

/// A deterministic random source (SplitMix64) for tests that draw random values: the same seed gives the same draws,
/// so a failure can be replayed by running again with that seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The seed it started from, to print with any failure.
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// Seeded from `SORATRACK_TEST_SEED` (decimal or 0x-prefixed hex) when set, else from `defaultSeed`. Prints the
    /// seed and how to replay it, so every run's log says which draws it made.
    public static func fromEnvironment(defaultSeed: UInt64, for test: String) -> SeededGenerator {
        let text = ProcessInfo.processInfo.environment["SORATRACK_TEST_SEED"]
        let parsed = text.flatMap { text in
            text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        }
        let seed = parsed ?? defaultSeed
        print("\(test): random seed \(seed) (replay with SORATRACK_TEST_SEED=\(seed))")
        return SeededGenerator(seed: seed)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
