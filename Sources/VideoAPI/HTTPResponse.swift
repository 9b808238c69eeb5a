import Foundation
import VideoModel

/// A plain HTTP response, so the transport can be swapped in tests.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields in order; names are case-insensitive.
    public var headers: [(String, String)]
    /// The whole body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The request id to record (see ``HeaderFields/requestID(in:)``).
    public var requestID: String? { HeaderFields.requestID(in: headers) }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        HeaderFields.first(name, in: headers)
    }
}
