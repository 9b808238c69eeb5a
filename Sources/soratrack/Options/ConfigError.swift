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
