import Foundation
import VideoModel

/// A plain HTTP request, so the transport can be swapped in tests.
public struct HTTPRequest: Sendable {
    /// The method, e.g. "GET".
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields in order; names are case-insensitive.
    public var headers: [(String, String)]
    /// The body, if any.
    public var body: Data?
    /// How long the whole exchange may take.
    public var timeout: Duration

    /// Creates a request.
    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        HeaderFields.first(name, in: headers)
    }
}

extension HTTPRequest: CustomStringConvertible, CustomReflectable {
    /// "GET https://…" only: headers are left out so credentials never reach a log.
    public var description: String { "\(method) \(url)" }

    /// A mirror that shows the method and URL but not the headers or body.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "timeout": timeout], displayStyle: .struct)
    }
}
