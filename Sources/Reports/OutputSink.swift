import Foundation

/// Failure to write output (a closed pipe, a full disk).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var description: String

    /// An error with a readable message.
    public init(description: String) {
        self.description = description
    }
}

/// A buffered byte writer over a file descriptor (stdout or a file), or over memory.
///
/// Every output format appends bytes here; the buffer is written out in 64 KiB blocks, so a
/// row costs no system call and no allocation.
public final class OutputSink {
    private let descriptor: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var collected: [UInt8] = []

    private static let blockSize = 1 << 16

    /// Writes to an open file descriptor; the caller owns it.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        capacity = Self.blockSize
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(descriptor: STDOUT_FILENO) }

    /// A sink that keeps everything in memory (read it back with ``text``).
    public static func memory() -> OutputSink { OutputSink(descriptor: -1) }

    /// Everything written to a memory sink, as UTF-8 text.
    public var text: String {
        String(decoding: collected + UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
    }

    /// True when the descriptor is a terminal (tables may use colour there).
    public var isTerminal: Bool { descriptor >= 0 && isatty(descriptor) == 1 }

    /// Appends text.
    public func write(_ text: String) throws(OutputError) {
        try Self.withUTF8(text) { (bytes) throws(OutputError) in try write(bytes: UnsafeRawBufferPointer(bytes)) }
    }

    /// Runs `body` on the UTF-8 bytes of `text` (no copy for native strings), keeping the error type.
    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(OutputError) -> R) throws(OutputError) -> R {
        var text = text
        let result: Result<R, OutputError> = text.withUTF8 { bytes in
            do throws(OutputError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Appends one byte.
    @inline(__always)
    public func write(byte: UInt8) throws(OutputError) {
        if count == capacity { try flush() }
        buffer[count] = byte
        count += 1
    }

    /// Appends raw bytes.
    public func write(bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity {
            try flush()
            if bytes.count > capacity {
                try writeOut(base, bytes.count)
                return
            }
        }
        (buffer + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// Appends raw bytes.
    public func write(bytes: some Sequence<UInt8>) throws(OutputError) {
        for byte in bytes { try write(byte: byte) }
    }

    /// Room for at least `length` bytes at the end of the buffer; call ``commit(_:)`` with what was used.
    @inline(__always)
    func reserve(_ length: Int) throws(OutputError) -> UnsafeMutablePointer<UInt8> {
        if count + length > capacity { try flush() }
        return buffer + count
    }

    /// Marks `length` bytes written after ``reserve(_:)``.
    @inline(__always)
    func commit(_ length: Int) { count += length }

    /// Writes everything buffered.
    public func flush() throws(OutputError) {
        let pending = count
        count = 0
        try writeOut(buffer, pending)
    }

    private func writeOut(_ start: UnsafeRawPointer, _ length: Int) throws(OutputError) {
        guard descriptor >= 0 else {
            collected.append(contentsOf: UnsafeRawBufferPointer(start: start, count: length))
            return
        }
        if descriptor == STDOUT_FILENO { fflush(nil) }  // keep order with text written by print()
        var offset = 0
        while offset < length {
            let written = Foundation.write(descriptor, start + offset, length - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(description: "cannot write output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
