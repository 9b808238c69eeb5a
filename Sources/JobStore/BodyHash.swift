import Foundation

/// 64-bit FNV-1a, used to find an identical stored response body quickly.
enum BodyHash {
    /// The hash of `bytes`, read through one contiguous buffer (no per-byte iterator).
    static func of(_ bytes: Data) -> Int64 {
        bytes.withUnsafeBytes { buffer in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in buffer {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return Int64(bitPattern: hash)
        }
    }
}
