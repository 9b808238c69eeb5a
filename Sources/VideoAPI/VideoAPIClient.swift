import Foundation
@_exported import VideoModel

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
    /// How the key is sent.
    public let authHeader: AuthHeader
    /// Paces every attempt of polls, list pages and downloads (a run's shared rate budget); nil sends at once.
    public var pacer: RequestPacer?
    private let apiKey: String
    let random: @Sendable () -> Double

    /// Creates a client; `random` supplies the backoff jitter in [0, 1).
    public init(
        baseURL: URL, apiKey: String, transport: Transport, clock: APIClock = .live, policy: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(30), authHeader: AuthHeader = .bearer,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.authHeader = authHeader
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
    /// Throws `CancellationError` when no attempt was sent (see ``poll(_:deadline:record:)``).
    public func retrieve(
        _ id: VideoID, deadline: Date? = nil, record: @Sendable (PollAttempt) async throws -> Void
    ) async throws -> PollAttempt {
        guard let final = try await poll(id, deadline: deadline, record: record) else { throw CancellationError() }
        return final
    }

    /// GET {base}/videos/{id} like ``retrieve(_:deadline:record:)``, but nil when no attempt was sent at all: the pacer
    /// had no slot before `deadline`, or the task was cancelled while it waited for one.
    public func poll(
        _ id: VideoID, deadline: Date? = nil, record: @Sendable (PollAttempt) async throws -> Void
    ) async throws -> PollAttempt? {
        let request = makeRequest(method: "GET", url: videoURL(id))
        let final = try await withRetries(request, deadline: deadline) { exchange, attempt in
            try await record(pollAttempt(for: id, from: exchange, attempt: attempt))
        }
        guard let (last, attempt) = final else { return nil }
        return pollAttempt(for: id, from: last, attempt: attempt)
    }

    /// GET {base}/videos/{id} with retries, returning the video or throwing `VideoAPIError`.
    public func retrieve(_ id: VideoID, deadline: Date? = nil) async throws(VideoAPIError) -> Video {
        let request = makeRequest(method: "GET", url: videoURL(id))
        guard let (last, _) = await withRetries(request, deadline: deadline, onAttempt: { _, _ in }) else {
            throw .transport(Self.notSent)
        }
        return try value(of: last, decode: Video.decode(from:))
    }

    /// Why a request has no attempt: the pacer let none go.
    static let notSent = TransportError.other("not sent: the run stopped before a request could go")

    // MARK: List, create and remix

    /// GET {base}/videos?limit=&after=&order= → one page, retried like retrieve, each video also as a snapshot of
    /// this response; a provider without the endpoint (404, 405, 501, a redirect, an HTML page below 500) is `.unsupported`.
    public func list(after: String? = nil, limit: Int? = nil, order: String? = nil) async throws(ListError) -> ListedPage {
        var query: [String] = []
        if let limit { query.append("limit=\(limit)") }
        if let after { query.append("after=\(Self.percentEncoded(after, query: true))") }
        if let order { query.append("order=\(Self.percentEncoded(order, query: true))") }
        let url = collectionURL + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        guard let (last, attempt) = await withRetries(makeRequest(method: "GET", url: url), deadline: nil, onAttempt: { _, _ in }) else {
            throw .failed(.transport(Self.notSent))
        }
        if let response = last.response {
            let text = String(decoding: response.body.prefix(64 * 1024), as: UTF8.self)
            let isHTML = !response.body.isEmpty && BodyText.isHTML(text, contentType: response.header("content-type"))
            // A proxy's 5xx page is an outage, not a missing endpoint: it fails like any other 5xx.
            // LiteLLM's router cannot tell which deployment a list is for, and says so with a 400.
            let gatewayCannotRoute = response.status == 400 && (last.apiError?.message?.contains("LLM Provider NOT provided") ?? false)
            if [404, 405, 501].contains(response.status) || (300..<400).contains(response.status) || (isHTML && response.status < 500)
                || gatewayCannotRoute
            {
                let detail = isHTML ? BodyText.htmlSummary(text) : (last.apiError?.summary ?? "")
                throw .unsupported(status: response.status, detail: redacted(detail))
            }
        }
        let page: VideoPage
        do {
            page = try value(of: last, decode: VideoPage.decode(from:))
        } catch {
            throw .failed(error)
        }
        let response = last.response
        let itemBytes = response.flatMap { ListItemBytes.items(in: redacted(body: $0.body)) }
        var items: [PollAttempt] = []
        var unusable: [String] = []
        for (position, video) in page.data.enumerated() {
            guard let id = try? VideoID(validating: video.id) else {
                unusable.append(video.id)
                continue
            }
            var item = PollAttempt(
                videoID: id, attempt: attempt, startedAt: last.startedAt, finishedAt: last.finishedAt,
                httpStatus: response?.status, requestID: response?.requestID, video: video)
            item.body = itemBytes.flatMap { $0.count == page.data.count ? $0[position] : nil }
            item.contentType = response?.header("content-type")
            items.append(item)
        }
        return ListedPage(
            page: page, items: items, unusableIDs: unusable, requestID: response?.requestID,
            attempts: attempt + 1)
    }

    /// POST {base}/videos as multipart/form-data, laid out as the official SDKs send it, exactly once: a retry could
    /// create a second paid job. Throws only when the input reference cannot be read (then nothing is sent).
    public func create(_ form: VideoCreateForm, boundary: String = MultipartBody.randomBoundary()) async throws(InputReferenceError) -> CreateAttempt {
        let body = try form.multipartBody(boundary: boundary)
        var request = makeRequest(method: "POST", url: collectionURL)
        request.headers.append(("Content-Type", "multipart/form-data; boundary=\(boundary)"))
        request.body = body
        return createAttempt(from: await send(request))
    }

    /// POST {base}/videos/{id}/remix as JSON `{"prompt": …}`, exactly once; the answer is a new job.
    public func remix(_ source: VideoID, prompt: String) async -> CreateAttempt {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var request = makeRequest(method: "POST", url: videoURL(source) + "/remix")
        request.headers.append(("Content-Type", "application/json"))
        request.body = (try? encoder.encode(["prompt": prompt])) ?? Data()
        return createAttempt(from: await send(request))
    }

    /// What one create or remix exchange produced: the new job's first snapshot, or why there is none.
    private func createAttempt(from exchange: Exchange) -> CreateAttempt {
        var result = CreateAttempt(startedAt: exchange.startedAt, finishedAt: exchange.finishedAt)
        guard let response = exchange.response else {
            let error = exchange.transportError ?? .other("no response")
            if case .connectionRefused = error {
                result.failure = .notSent(error)
            } else {
                result.failure = .noAnswer(.other(transportText(error, timeout: exchange.request.timeout)))
            }
            return result
        }
        result.httpStatus = response.status
        result.requestID = response.requestID
        result.body = redacted(body: response.body)
        guard (200..<300).contains(response.status) else {
            result.failure = .refused(status: response.status, error: exchange.apiError, requestID: result.requestID)
            return result
        }
        do {
            // Decoded from the redacted bytes: a key the server reflected must not reach a parsed field either.
            let video = try Video.decode(from: result.body ?? response.body)
            let id = try VideoID(validating: video.id)
            result.created = pollAttempt(for: id, from: exchange, attempt: 0)
        } catch let error as VideoAPIError {
            result.failure = .unreadableAnswer(status: response.status, reason: redacted(error.reason), requestID: result.requestID)
        } catch {
            result.failure = .unreadableAnswer(
                status: response.status, reason: "the id is unusable: \(redacted(String(describing: error)))", requestID: result.requestID)
        }
        return result
    }

    // MARK: Requests

    private var collectionURL: String {
        var root = baseURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        return root + "/videos"
    }

    func videoURL(_ id: VideoID) -> String {
        collectionURL + "/" + Self.percentEncoded(id.rawValue)
    }

    func makeRequest(method: String, url: String) -> HTTPRequest {
        HTTPRequest(
            method: method, url: url,
            headers: [
                authHeader.field(for: apiKey),
                ("Accept", "application/json"),
                ("User-Agent", Self.userAgent),
            ],
            body: nil, timeout: timeout)
    }

    /// Percent-encodes one path segment or query value: everything outside RFC 3986's `pchar` (unreserved
    /// `A-Z a-z 0-9 - . _ ~`, sub-delims `! $ & ' ( ) * + , ; =`, `:` and `@`) is encoded, so `/`, `%`, `?`, `#`
    /// and spaces become `%2F`, `%25`, `%3F`, `%23`, `%20`; a gateway's base64 id keeps its `+` and `=`.
    static func percentEncoded(_ text: String, query: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF")
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "*"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "@"):
                result.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "&"):
                // In a query these separate or encode values; in a path they are plain characters.
                if query {
                    result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
                } else {
                    result.append(Character(Unicode.Scalar(byte)))
                }
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

    /// Runs `request` until the policy says stop, the next retry would start after `deadline`, or the task is cancelled;
    /// nil when not even the first attempt was sent. With a pacer, every attempt waits for its admission (the retry
    /// delay is waited there, together with the run's rate budget) and tells it the answer.
    private func withRetries<Failure: Error>(
        _ request: HTTPRequest, deadline: Date?,
        onAttempt: (Exchange, Int) async throws(Failure) -> Void
    ) async throws(Failure) -> (Exchange, Int)? {
        try await retrying(deadline: deadline, firstAttempt: 0) { _ in
            let exchange = await send(request)
            return (exchange, exchange.outcome, exchange.response?.status, exchange.response?.headers ?? [], exchange.finishedAt)
        } onAttempt: { exchange, attempt throws(Failure) in
            try await onAttempt(exchange, attempt)
        }
    }

    /// The one retry loop of every request: `perform` makes attempt `n` (numbered from `firstAttempt`) and tells what
    /// the policy and the pacer read from it (a nil outcome: never retried); `onAttempt` is awaited before the next
    /// starts. Stops when the policy says so, when the next retry would start after `deadline`, or when the task is
    /// cancelled; returns the last attempt, nil when not even the first was sent.
    func retrying<Value, Failure: Error>(
        deadline: Date?, firstAttempt: Int,
        perform: (Int) async -> (Value, AttemptOutcome?, status: Int?, headers: [(String, String)], finishedAt: Date),
        onAttempt: (Value, Int) async throws(Failure) -> Void
    ) async throws(Failure) -> (Value, Int)? {
        var attempt = firstAttempt
        var last: (Value, Int)?
        var notBefore: Date?
        while true {
            if let pacer {
                guard await pacer.admit(notBefore, deadline) else { return last }
            }
            let (value, outcome, status, headers, finishedAt) = await perform(attempt)
            pacer?.answered(status, headers, finishedAt)
            try await onAttempt(value, attempt)
            last = (value, attempt)
            guard let outcome, !Task.isCancelled else { return last }
            let decision = policy.decide(attempt: attempt - firstAttempt, outcome: outcome, jitter: random(), now: clock.now())
            guard case .retry(let delay) = decision, !Task.isCancelled else { return last }
            if let deadline, clock.now().addingTimeInterval(delay.secondsValue) > deadline {
                return last
            }
            if pacer != nil {
                notBefore = clock.now().addingTimeInterval(delay.secondsValue)
            } else {
                do {
                    try await clock.sleep(delay)
                } catch {
                    return last  // cancelled while waiting: the last attempt stands
                }
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
        result.requestID = response.requestID
        result.body = redacted(body: response.body)
        result.contentType = response.header("content-type")
        result.apiError = exchange.apiError
        result.pollAfter = HeaderFields.value("openai-poll-after-ms", in: response.headers)
            .flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? Duration.seconds(exactly: $0 / 1000) : nil }
        result.retryAfter = RetryPolicy.retryAfter(headers: response.headers, now: exchange.finishedAt)
        if (200..<300).contains(response.status) {
            do {
                // Decoded from the redacted bytes: a key the server reflected must not reach a parsed field either.
                result.video = try Video.decode(from: result.body ?? response.body)
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
            throw .http(status: response.status, error: exchange.apiError, requestID: response.requestID)
        }
        do {
            return try decode(redacted(body: response.body))
        } catch {
            throw .malformedBody(redacted(error.reason))
        }
    }

    private func transportText(_ error: TransportError?, timeout: Duration) -> String {
        guard let error else { return "no response" }
        if case .timedOut = error { return "timed out after \(timeout.readableSeconds)" }
        return error.description
    }

    func httpErrorText(_ response: HTTPResponse, apiError: APIErrorInfo?) -> String {
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
    func redacted(_ text: String) -> String {
        guard apiKey.count >= 4, text.contains(apiKey) else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }

    /// The body with the key replaced, so not even an echoing proxy can put the key into the database.
    func redacted(body: Data) -> Data {
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

    func redacted(_ info: APIErrorInfo) -> APIErrorInfo {
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
