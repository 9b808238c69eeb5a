import Foundation
import Testing
import VideoAPI

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 / NIST CAVP examples, plus lengths around the padding boundary.
    static let vectors: [(String, Data, String)] = [
        ("empty", Data(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", Data("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("448 bits", Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("896 bits",
         Data("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8),
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("55 bytes", Data(repeating: 0x61, count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        ("56 bytes", Data(repeating: 0x61, count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        ("64 bytes", Data(repeating: 0x61, count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ]

    @Test("the NIST test vectors")
    func vectors() {
        for (name, data, digest) in Self.vectors {
            #expect(SHA256.hex(of: data) == digest, "\(name)")
        }
    }

    @Test("one million 'a', fed in chunks of odd sizes, as the NIST long message")
    func millionA() {
        var hash = SHA256()
        var fed = 0
        var size = 1
        while fed < 1_000_000 {
            let count = min(size, 1_000_000 - fed)
            hash.update(Data(repeating: 0x61, count: count))
            fed += count
            size = size * 7 % 9973 + 1
        }
        #expect(hash.count == 1_000_000)
        #expect(hash.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("feeding byte by byte, or in any split, gives the digest of the whole")
    func incremental() {
        let data = Data((0..<10_240).map { UInt8(truncatingIfNeeded: $0) })
        let whole = SHA256.hex(of: data)
        #expect(whole == "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0")
        for split in [1, 3, 63, 64, 65, 1000] {
            var hash = SHA256()
            var start = 0
            while start < data.count {
                hash.update(data[start..<min(start + split, data.count)])
                start += split
            }
            #expect(hash.hexDigest() == whole, "split \(split)")
        }
        var hash = SHA256()
        hash.update(Data("ab".utf8))
        _ = hash.finalize()
        hash.update(Data("c".utf8))
        #expect(hash.hexDigest() == Self.vectors[1].2, "finalize leaves the hash usable")
    }
}
