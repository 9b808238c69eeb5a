import Foundation

/// Failure to write output (a closed pipe, a full disk).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A buffered byte writer over a file descriptor (stdout or a file).
public final class OutputSink {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 16

    /// Writes to an open file descriptor; the caller owns it.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(capacity)
    }

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(descriptor: STDOUT_FILENO) }

    /// True when the descriptor is a terminal (tables may use colour there).
    public var isTerminal: Bool { isatty(descriptor) == 1 }

    /// Appends text.
    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends raw bytes.
    public func write(bytes: some Sequence<UInt8>) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes everything buffered.
    public func flush() throws(OutputError) {
        var offset = 0
        let failure: Int32? = buffer.withUnsafeBytes { raw -> Int32? in
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw OutputError(description: "cannot write output: \(String(cString: strerror(failure)))") }
    }
}
