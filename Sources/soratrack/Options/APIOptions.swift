import ArgumentParser
import Foundation
import SyncEngine
import VideoAPI

/// Where the API is and how to authenticate; the key itself is never a command-line value.
struct APIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("API base URL (env SORATRACK_BASE_URL, then COMETAPI_BASE_URL; default https://api.cometapi.com/v1).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API key (else env SORATRACK_API_KEY, then COMETAPI_KEY).", valueName: "path"))
    var apiKeyFile: String?

    @Option(name: .long, help: ArgumentHelp("How the key is sent: bearer (Authorization: Bearer KEY) or api-key (api-key: KEY, for Azure); else env SORATRACK_AUTH_HEADER, default bearer.", valueName: "bearer|api-key"))
    var authHeader: String?

    @Option(name: .long, help: "Retries after a failed attempt (408, 409, 429, 5xx, transport errors).")
    var retries: Int = 2

    @Option(name: .long, help: ArgumentHelp("Timeout of one request, e.g. 30s.", valueName: "duration"))
    var timeout: HumanDuration = HumanDuration(.seconds(30), text: "30s")

    @Option(name: .long, help: ArgumentHelp("How long to wait for a connection to the API, e.g. 5s (a refused connection fails at once).", valueName: "duration"))
    var connectTimeout: HumanDuration = HumanDuration(.seconds(5), text: "5s")

    @Option(name: .long, help: ArgumentHelp("At most this many requests per minute for the whole run (else env SORATRACK_MAX_RPM; default none: paced by the API's x-ratelimit-* headers and 429s only).", valueName: "n"))
    var maxRpm: Int?

    static let defaultBaseURL = "https://api.cometapi.com/v1"

    func validate() throws {
        guard retries >= 0, retries <= 10 else { throw ValidationError("--retries must be between 0 and 10") }
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be more than 0") }
        guard connectTimeout.duration > .zero else { throw ValidationError("--connect-timeout must be more than 0") }
        if let maxRpm, maxRpm < 1 { throw ValidationError("--max-rpm must be at least 1") }
    }

    /// The base URL after flags, environment and default, validated.
    func resolvedBaseURL() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let text = [baseURL, environment["SORATRACK_BASE_URL"], environment["COMETAPI_BASE_URL"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? Self.defaultBaseURL
        do {
            return try VideoAPIClient.validatedBaseURL(text)
        } catch {
            throw ConfigError.badBaseURL("\(error)")
        }
    }

    /// How the key is sent, after flag, environment and default.
    func resolvedAuthHeader() throws -> AuthHeader {
        let text = [authHeader, ProcessInfo.processInfo.environment["SORATRACK_AUTH_HEADER"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? "bearer"
        guard let header = AuthHeader(rawValue: text.lowercased()) else {
            throw ConfigError.badAuthHeader(text)
        }
        return header
    }

    /// The request ceiling per minute from `--max-rpm` or `SORATRACK_MAX_RPM`; nil: none.
    func resolvedMaxRPM() throws -> Int? {
        if let maxRpm { return maxRpm }
        guard let text = ProcessInfo.processInfo.environment["SORATRACK_MAX_RPM"]?.trimmingCharacters(in: .whitespaces),
            !text.isEmpty
        else { return nil }
        guard let value = Int(text), value >= 1 else { throw ConfigError.badMaxRPM(text) }
        return value
    }

    /// The API key from the key file or the environment.
    func resolvedAPIKey() throws -> String {
        if let apiKeyFile {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: apiKeyFile))
            } catch {
                throw ConfigError.unreadableKeyFile(path: apiKeyFile, reason: "no such file or not readable")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty, !key.contains(where: \.isNewline) else {
                throw ConfigError.unreadableKeyFile(path: apiKeyFile, reason: "the file must hold the key alone on one line")
            }
            return key
        }
        let environment = ProcessInfo.processInfo.environment
        for name in ["SORATRACK_API_KEY", "COMETAPI_KEY"] {
            if let key = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty { return key }
        }
        throw ConfigError.missingAPIKey
    }

    /// Runs `body` with a client for the configured API (configuration checked first), then closes its connections.
    func withClient<T>(maxConnections: Int, _ body: (VideoAPIClient) async throws -> T) async throws -> T {
        let baseURL = try resolvedBaseURL()
        let authHeader = try resolvedAuthHeader()
        let maxRPM = try resolvedMaxRPM()
        let key = try resolvedAPIKey()
        let http = LiveHTTP(maxConnections: maxConnections, connectTimeout: min(connectTimeout.duration, timeout.duration))
        var client = VideoAPIClient(
            baseURL: baseURL, apiKey: key, transport: http.transport,
            policy: RetryPolicy(maxRetries: retries), timeout: timeout.duration, authHeader: authHeader)
        // One budget for every request of the run: polls, retries, list pages and downloads.
        client.pacer = RateLimiter(maxRequestsPerMinute: maxRPM).pacer
        do {
            let result = try await body(client)
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}

/// Configuration problems found before any work starts.
enum ConfigError: Error, CustomStringConvertible {
    /// No API key in the key file or the environment.
    case missingAPIKey
    /// The key file could not be read or is empty.
    case unreadableKeyFile(path: String, reason: String)
    /// The base URL is not an http(s) URL.
    case badBaseURL(String)
    /// `SORATRACK_MAX_RPM` is not a whole number of at least 1.
    case badMaxRPM(String)
    /// `--auth-header` or `SORATRACK_AUTH_HEADER` names no known way of sending the key.
    case badAuthHeader(String)

    var description: String {
        switch self {
        case .missingAPIKey:
            return "no API key: put it in a file with mode 0600 and pass --api-key-file PATH, or set SORATRACK_API_KEY (or COMETAPI_KEY)"
        case .unreadableKeyFile(let path, let reason):
            return "cannot read the API key from \(path): \(reason)"
        case .badAuthHeader(let text):
            return "unknown auth header \(text.debugDescription): use --auth-header bearer (Authorization: Bearer) or api-key (Azure), or set SORATRACK_AUTH_HEADER"
        case .badMaxRPM(let text):
            return "SORATRACK_MAX_RPM is \(text.debugDescription): give a whole number of requests per minute, at least 1, or unset it"
        case .badBaseURL(let reason):
            return "bad base URL: \(reason) (set --base-url or SORATRACK_BASE_URL, e.g. https://api.cometapi.com/v1)"
        }
    }
}
