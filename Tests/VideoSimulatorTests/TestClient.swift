import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VideoSimulator

/// A response as the tests see it.
struct TestResponse: Sendable {
    var status: Int
    /// Headers by lowercased name.
    var headers: [String: String]
    var body: Data

    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// `error` of an OpenAI error envelope.
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
}

/// A small HTTP client over real sockets, talking to one simulator.
struct TestClient: Sendable {
    var root: URL
    var key: String? = "sk-test"

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()

    init(_ simulator: VideoSimulator, key: String? = "sk-test") {
        root = simulator.rootURL
        self.key = key
    }

    /// Sends one request; `target` is the path and query, such as `/v1/videos?limit=2`.
    func send(
        _ method: String, _ target: String, body: Data? = nil, contentType: String? = nil, headers: [String: String] = [:]
    ) async throws -> TestResponse {
        guard let url = URL(string: root.absoluteString + target) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await TestClient.perform(request)
    }

    /// `GET` of an absolute URL (such as a signed file link) with only `headers`: no key unless given there.
    static func fetch(_ address: String, headers: [String: String] = [:]) async throws -> TestResponse {
        guard let url = URL(string: address) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await perform(request)
    }

    private static func perform(_ request: URLRequest) async throws -> TestResponse {
        let (data, response) = try await TestClient.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
        }
        return TestResponse(status: http.statusCode, headers: lowered, body: data)
    }

    func get(_ target: String) async throws -> TestResponse {
        try await send("GET", target)
    }

    /// `POST /v1/videos` (or `POST {base}/videos`) with a JSON body.
    func create(_ fields: [String: Any], base: String = "/v1", headers: [String: String] = [:]) async throws -> TestResponse {
        try await send(
            "POST", base + "/videos", body: try JSONSerialization.data(withJSONObject: fields),
            contentType: "application/json", headers: headers
        )
    }

    /// POST with a `multipart/form-data` body built from text fields and optional file parts.
    func postMultipart(
        _ target: String, fields: [(String, String)], files: [(name: String, filename: String, data: Data)] = []
    ) async throws -> TestResponse {
        let boundary = "----soratrack-test-boundary-7MA4YWxkTrZu0gW"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; "
                + "filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n").utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return try await send("POST", target, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}

/// Runs `body` against a fresh simulator on port 0 and always stops it afterwards.
@discardableResult
func withSimulator<T>(
    _ configuration: SimulatorConfiguration = .testing(),
    _ body: (VideoSimulator, TestClient) async throws -> T
) async throws -> T {
    let simulator = try await VideoSimulator.start(configuration)
    do {
        let result = try await body(simulator, TestClient(simulator))
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}

/// Waits until `condition` holds, checking often, for at most `timeout`; returns whether it held.
func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

extension SimulatorConfiguration {
    /// A deterministic configuration: clock moved only by the test, fixed start, key `sk-test`.
    static func testing(
        seed: UInt64 = 42, failureRate: Double = 0.15, apiKey: String? = "sk-test", pollAfterMs: Int? = nil,
        flavor: Flavor = .openai
    ) -> SimulatorConfiguration {
        SimulatorConfiguration(
            seed: seed, speed: 0, apiKey: apiKey, failureRate: failureRate, pollAfterMs: pollAfterMs,
            startTime: Date(timeIntervalSince1970: 1_790_000_000), flavor: flavor
        )
    }
}
