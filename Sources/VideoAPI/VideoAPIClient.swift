import Foundation

/// The Videos API client: builds requests, applies the retry policy, reports every attempt.
public struct VideoAPIClient: Sendable {
    /// The `User-Agent` sent with every request.
    public static let userAgent = "soratrack/0.1"

    /// The API root, e.g. `https://api.cometapi.com/v1` (no trailing slash).
    public let baseURL: URL
    /// Sends requests.
    public let transport: Transport
    /// Dates attempts and waits between them.
    public let clock: APIClock
    /// Decides when to retry.
    public let policy: RetryPolicy
    /// How long one request may take.
    public let timeout: Duration
    private let apiKey: String
    private let random: @Sendable () -> Double

    /// Creates a client; `random` supplies the backoff jitter in [0, 1).
    public init(
        baseURL: URL, apiKey: String, transport: Transport, clock: APIClock = .live, policy: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(30), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.transport = transport
        self.clock = clock
        self.policy = policy
        self.timeout = timeout
        self.random = random
    }

    /// Validates a base URL (http/https, with a host, no query/fragment/credentials); trailing slashes trimmed.
    public static func validatedBaseURL(_ text: String) throws(VideoAPIError) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let example = "give one such as https://api.cometapi.com/v1"
        guard !trimmed.isEmpty else { throw .invalidBaseURL("the API base URL is empty: \(example)") }
        guard var components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .invalidBaseURL("invalid API base URL \(trimmed.debugDescription): \(example)")
        }
        guard components.user == nil, components.password == nil else {
            throw .invalidBaseURL("the API base URL must not hold a user name or password: \(example)")
        }
        let quoted = trimmed.debugDescription
        guard scheme == "http" || scheme == "https" else {
            throw .invalidBaseURL("invalid API base URL \(quoted): it must start with http:// or https://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidBaseURL("invalid API base URL \(quoted): it has no host name")
        }
        guard components.query == nil else {
            throw .invalidBaseURL("invalid API base URL \(quoted): it must not have a query (the part after ?)")
        }
        guard components.fragment == nil else {
            throw .invalidBaseURL("invalid API base URL \(quoted): it must not have a fragment (the part after #)")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = path
        components.scheme = scheme
        guard let url = components.url else {
            throw .invalidBaseURL("invalid API base URL \(quoted): \(example)")
        }
        return url
    }

    // MARK: Retrieve

    /// GET {base}/videos/{id}, retried per policy; `record` is awaited for every attempt before the next starts; returns the final attempt.
    public func retrieve(
        _ id: VideoID, deadline: Date? = nil, record: @Sendable (PollAttempt) async throws -> Void
    ) async throws -> PollAttempt {
        let request = makeRequest(method: "GET", url: videoURL(id))
        let (last, attempt) = try await withRetries(request, deadline: deadline) { exchange, attempt in
            try await record(pollAttempt(for: id, from: exchange, attempt: attempt))
        }
        return pollAttempt(for: id, from: last, attempt: attempt)
    }

    /// GET {base}/videos/{id} with retries, returning the video or throwing `VideoAPIError`.
    public func retrieve(_ id: VideoID, deadline: Date? = nil) async throws(VideoAPIError) -> Video {
        let request = makeRequest(method: "GET", url: videoURL(id))
        let (last, _) = await withRetries(request, deadline: deadline) { _, _ in }
        return try value(of: last, decode: Video.decode(from:))
    }

    // MARK: List and create

    /// GET {base}/videos?limit=&after=&order= → one page (retried like retrieve; throws `VideoAPIError`).
    public func list(after: String? = nil, limit: Int? = nil, order: String? = nil) async throws(VideoAPIError) -> VideoPage {
        var query: [String] = []
        if let limit { query.append("limit=\(limit)") }
        if let after { query.append("after=\(Self.percentEncoded(after))") }
        if let order { query.append("order=\(Self.percentEncoded(order))") }
        let url = collectionURL + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let (last, _) = await withRetries(makeRequest(method: "GET", url: url), deadline: nil) { _, _ in }
        return try value(of: last, decode: VideoPage.decode(from:))
    }

    /// POST {base}/videos as JSON {prompt, model?, seconds?, size?} → the attempt holding the created video (never retried, to avoid duplicate jobs).
    public func create(prompt: String, model: String?, seconds: String?, size: String?) async throws(VideoAPIError) -> PollAttempt {
        let payload = CreateBody(prompt: prompt, model: model, seconds: seconds, size: size)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        do {
            body = try encoder.encode(payload)
        } catch {
            throw .malformedBody("the request could not be encoded: \(error)")
        }
        var request = makeRequest(method: "POST", url: collectionURL)
        request.headers.append(("Content-Type", "application/json"))
        request.body = body
        let exchange = await send(request)
        let video = try value(of: exchange, decode: Video.decode(from:))
        let id: VideoID
        do {
            id = try VideoID(validating: video.id)
        } catch {
            throw .malformedBody("the created video has an unusable id: \(redacted(error.description))")
        }
        return pollAttempt(for: id, from: exchange, attempt: 0)
    }

    // MARK: Requests

    private struct CreateBody: Encodable {
        var prompt: String
        var model: String?
        var seconds: String?
        var size: String?
    }

    private var collectionURL: String {
        var root = baseURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        return root + "/videos"
    }

    func videoURL(_ id: VideoID) -> String {
        collectionURL + "/" + Self.percentEncoded(id.rawValue)
    }

    private func makeRequest(method: String, url: String) -> HTTPRequest {
        HTTPRequest(
            method: method, url: url,
            headers: [
                ("Authorization", "Bearer \(apiKey)"),
                ("Accept", "application/json"),
                ("User-Agent", Self.userAgent),
            ],
            body: nil, timeout: timeout)
    }

    /// Percent-encodes everything outside the unreserved characters `A-Z a-z 0-9 - . _ ~` (so `:` becomes `%3A`).
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return result
    }

    // MARK: Attempts

    /// What one request produced, with the error body parsed once.
    struct Exchange: Sendable {
        var request: HTTPRequest
        var startedAt: Date
        var finishedAt: Date
        var response: HTTPResponse?
        var transportError: TransportError?
        var apiError: APIErrorInfo?

        var outcome: AttemptOutcome {
            if let response {
                return .response(status: response.status, headers: response.headers, error: apiError)
            }
            return .transportFailure(transportError ?? .other("no response"))
        }
    }

    /// Sends one request; never throws: a failure becomes a transport error.
    private func send(_ request: HTTPRequest) async -> Exchange {
        let startedAt = clock.now()
        var exchange = Exchange(request: request, startedAt: startedAt, finishedAt: startedAt)
        do {
            // A request already on the wire runs to its end even if the caller is cancelled: its answer
            // reached us and must be recorded. Cancellation stops retries and their waits instead.
            let transport = transport
            let response = try await Task { try await transport.send(request) }.value
            exchange.response = response
            if !(200..<300).contains(response.status) {
                exchange.apiError = APIErrorInfo.parse(body: response.body, contentType: response.header("content-type"))
                    .map(redacted)
            }
        } catch let error as TransportError {
            exchange.transportError = redacted(error)
        } catch is CancellationError {
            exchange.transportError = .other("cancelled")
        } catch {
            exchange.transportError = .other(redacted(String(describing: error)))
        }
        exchange.finishedAt = clock.now()
        return exchange
    }

    /// Runs `request` until the policy says stop, the next retry would start after `deadline`, or the task is cancelled.
    private func withRetries<Failure: Error>(
        _ request: HTTPRequest, deadline: Date?,
        onAttempt: (Exchange, Int) async throws(Failure) -> Void
    ) async throws(Failure) -> (Exchange, Int) {
        var attempt = 0
        while true {
            let exchange = await send(request)
            try await onAttempt(exchange, attempt)
            let decision = policy.decide(attempt: attempt, outcome: exchange.outcome, jitter: random(), now: clock.now())
            guard case .retry(let delay) = decision, !Task.isCancelled else { return (exchange, attempt) }
            if let deadline, clock.now().addingTimeInterval(delay.secondsValue) > deadline {
                return (exchange, attempt)
            }
            do {
                try await clock.sleep(delay)
            } catch {
                return (exchange, attempt)  // cancelled while waiting: the last attempt stands
            }
            attempt += 1
        }
    }

    /// The snapshot of one exchange.
    private func pollAttempt(for id: VideoID, from exchange: Exchange, attempt: Int) -> PollAttempt {
        var result = PollAttempt(
            videoID: id, attempt: attempt, startedAt: exchange.startedAt, finishedAt: exchange.finishedAt)
        guard let response = exchange.response else {
            result.pollError = "transport: " + transportText(exchange.transportError, timeout: exchange.request.timeout)
            return result
        }
        result.httpStatus = response.status
        result.requestID = response.header("x-request-id")
        result.body = redacted(body: response.body)
        result.contentType = response.header("content-type")
        result.apiError = exchange.apiError
        result.pollAfter = HeaderFields.value("openai-poll-after-ms", in: response.headers)
            .flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? Duration.seconds(exactly: $0 / 1000) : nil }
        result.retryAfter = RetryPolicy.retryAfter(headers: response.headers, now: exchange.finishedAt)
        if (200..<300).contains(response.status) {
            do {
                result.video = try Video.decode(from: response.body)
            } catch {
                result.pollError = redacted(error.description)
            }
        } else {
            result.pollError = httpErrorText(response, apiError: exchange.apiError)
        }
        return result
    }

    /// The value of a final exchange, or the `VideoAPIError` that describes why there is none.
    private func value<T>(of exchange: Exchange, decode: (Data) throws(VideoAPIError) -> T) throws(VideoAPIError) -> T {
        guard let response = exchange.response else {
            throw .transport(exchange.transportError ?? .other("no response"))
        }
        guard (200..<300).contains(response.status) else {
            throw .http(status: response.status, error: exchange.apiError, requestID: response.header("x-request-id"))
        }
        do {
            return try decode(response.body)
        } catch {
            throw .malformedBody(redacted(error.reason))
        }
    }

    private func transportText(_ error: TransportError?, timeout: Duration) -> String {
        guard let error else { return "no response" }
        if case .timedOut = error { return "timed out after \(timeout.readableSeconds)" }
        return error.description
    }

    private func httpErrorText(_ response: HTTPResponse, apiError: APIErrorInfo?) -> String {
        if (300..<400).contains(response.status) {
            guard let location = HeaderFields.value("location", in: response.headers), !location.isEmpty else {
                return "HTTP \(response.status) redirect without a Location header (not followed)"
            }
            return redacted("HTTP \(response.status) redirect to \(BodyText.excerpt(location)) (not followed)")
        }
        guard let apiError else { return "HTTP \(response.status) (empty body)" }
        return VideoAPIError.http(status: response.status, error: apiError, requestID: nil).description
    }

    // MARK: Keeping the key out of messages

    /// `text` with every occurrence of the API key replaced, in case a server or proxy echoes it.
    private func redacted(_ text: String) -> String {
        guard apiKey.count >= 4, text.contains(apiKey) else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }

    /// The body with the key replaced, so not even an echoing proxy can put the key into the database.
    private func redacted(body: Data) -> Data {
        let key = Data(apiKey.utf8)
        guard key.count >= 4, Self.contains(key, in: body) else { return body }
        var result = Data()
        var rest = body[...]
        while let range = rest.range(of: key) {
            result += rest[..<range.lowerBound]
            result += Data("[redacted]".utf8)
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// Whether `needle` occurs in `haystack`, scanning raw bytes (Foundation's `range(of:)` is slow, and this runs on every poll's body).
    static func contains(_ needle: Data, in haystack: Data) -> Bool {
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { key in
                guard let first = key.first, hay.count >= key.count else { return false }
                var index = 0
                let last = hay.count - key.count
                while index <= last {
                    if hay[index] == first, memcmp(hay.baseAddress! + index, key.baseAddress!, key.count) == 0 { return true }
                    index += 1
                }
                return false
            }
        }
    }

    private func redacted(_ error: TransportError) -> TransportError {
        if case .other(let text) = error { return .other(redacted(text)) }
        return error
    }

    private func redacted(_ info: APIErrorInfo) -> APIErrorInfo {
        var copy = info
        copy.message = info.message.map(redacted)
        copy.code = info.code.map(redacted)
        copy.param = info.param.map(redacted)
        copy.type = info.type.map(redacted)
        return copy
    }
}

extension VideoAPIClient: CustomStringConvertible, CustomReflectable {
    /// Names the base URL only: the API key is never shown.
    public var description: String { "VideoAPIClient(\(baseURL.absoluteString))" }

    /// A mirror without the API key.
    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "policy": policy, "timeout": timeout], displayStyle: .struct)
    }
}
