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

/// How the API key travels: OpenAI's `Authorization: Bearer KEY`, or Azure's `api-key: KEY`.
public enum AuthHeader: String, Sendable, CaseIterable {
    /// `Authorization: Bearer KEY` (OpenAI, the LiteLLM proxy, OpenRouter, Together, CometAPI).
    case bearer
    /// `api-key: KEY` (Azure AI Foundry).
    case apiKey = "api-key"

    /// The header field that carries `key`.
    public func field(for key: String) -> (String, String) {
        switch self {
        case .bearer: ("Authorization", "Bearer \(key)")
        case .apiKey: ("api-key", key)
        }
    }
}

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
