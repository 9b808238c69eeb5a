import Foundation
import VideoModel

/// Where the bytes of one download attempt go as they arrive.
///
/// The client makes one only once the response looks like the content (right status and type), writes every chunk,
/// then commits it when the whole body arrived and matched its `Content-Length`, or discards it on any failure.
public protocol ContentWriter {
    /// Appends a chunk; throws (with a readable description) when it cannot be written.
    mutating func write(_ chunk: Data) throws
    /// Puts the complete file in place and returns its absolute path.
    mutating func commit() throws -> String
    /// Removes whatever was written; the final path is left as it was.
    mutating func discard()
}
