import Crypto
import Foundation

/// The SHA-256 of `data` as 64 lowercase hex digits, computed by swift-crypto, to check what soratrack stored.
public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { byte in
        let text = String(byte, radix: 16)
        return byte < 16 ? "0" + text : text
    }.joined()
}
