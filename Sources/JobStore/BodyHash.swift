/// 64-bit FNV-1a, used to find an identical stored response body quickly.
enum BodyHash {
    static func of<Bytes: Sequence>(_ bytes: Bytes) -> Int64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
