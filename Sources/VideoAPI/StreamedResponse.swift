import Foundation
import VideoModel

/// A response whose head has arrived and whose body is read chunk by chunk, so a large download never sits in memory.
public struct StreamedResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields in order; names are case-insensitive.
    public var headers: [(String, String)]
    /// The body, read once, in order; reading throws `TransportError` when the connection fails part-way.
    public var body: ResponseBody

    /// Creates a streamed response.
    public init(status: Int, headers: [(String, String)] = [], body: ResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A whole response handed out as one chunk (a transport that cannot stream).
    public init(whole response: HTTPResponse) {
        self.init(status: response.status, headers: response.headers, body: ResponseBody(chunks: [response.body]))
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// The body of a ``StreamedResponse``: an async sequence of chunks, read once.
public struct ResponseBody: AsyncSequence, Sendable {
    public typealias Element = Data

    private let start: @Sendable () -> AsyncIterator

    /// A body read through `next`, made once when reading starts; `next` returns nil at the end.
    public init(_ makeNext: @escaping @Sendable () -> () async throws -> Data?) {
        start = { AsyncIterator(pull: makeNext()) }
    }

    /// A body made of these chunks, then `failure` (if any) instead of the end: what tests script.
    public init(chunks: [Data], failure: (any Error & Sendable)? = nil) {
        self.init {
            var remaining = chunks[...]
            var failed = false
            return {
                if let chunk = remaining.popFirst() { return chunk }
                if let failure, !failed {
                    failed = true
                    throw failure
                }
                return nil
            }
        }
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator { start() }

    /// Reads the chunks in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let pull: () async throws -> Data?

        /// The next chunk, or nil at the end.
        public mutating func next() async throws -> Data? { try await pull() }
    }
}
