import Foundation
import GRDB

/// Reading back a `body.content` value: TEXT for UTF-8 bodies, BLOB for the rest (see `storeBody`).
enum StoredBody {
    /// The bytes exactly as received, or nil when there is no body (NULL).
    static func bytes(_ value: DatabaseValue) -> Data? {
        switch value.storage {
        case .string(let text): Data(text.utf8)
        case .blob(let data): data
        default: nil
        }
    }
}
