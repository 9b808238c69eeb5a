import Foundation

/// Progress of a run on stderr: a live bar rewritten in place on a terminal, nothing otherwise.
public final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// A progress line on stderr, shown only when stderr is a terminal and `enabled`.
    public init(enabled: Bool = true) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    /// True when the bar is being drawn.
    public var isLive: Bool { enabled }

    /// Redraws `done/total` with the error count and elapsed time (at most 20 times a second unless `force`).
    public func update(done: Int, total: Int, errors: Int, label: String = "", force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || done == total || now.timeIntervalSince(lastDraw) >= 0.05 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + Self.render(done: done, total: total, errors: errors, elapsed: now.timeIntervalSince(start), label: label)).utf8))
    }

    /// Clears the line so the next output starts clean.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }

    /// The text of the bar: `label [#####-----] 12/24 jobs, 1 error, 3.2s`.
    public static func render(done: Int, total: Int, errors: Int, elapsed: Double, label: String = "", width: Int = 24) -> String {
        let filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let errorText = errors == 1 ? "1 error" : "\(errors) errors"
        let prefix = label.isEmpty ? "" : label + " "
        return "\(prefix)[\(bar)] \(done)/\(total) jobs, \(errorText), \(NumberFormat.decimal(elapsed, digits: 1))s"
    }
}
