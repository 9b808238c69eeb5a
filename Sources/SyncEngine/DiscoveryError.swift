import VideoAPI

/// A discover walk that a failed page ended; the pages read before it are recorded.
public struct DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the page could not be read.
    public var failure: ListError
    /// Pages read (and recorded) before it.
    public var pagesRead: Int

    public init(failure: ListError, pagesRead: Int) {
        self.failure = failure
        self.pagesRead = pagesRead
    }

    public var description: String {
        guard pagesRead > 0, failure != .ignoresCursor else { return failure.description }
        return "\(failure) after \(pagesRead) page\(pagesRead == 1 ? "" : "s") (those are recorded): run discover again later"
    }
}
