import VideoModel
/// Why a page of `GET /videos` could not be read.
public enum ListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider has no list endpoint: it answered 404, 405 or 501, a redirect, or an HTML page; or a gateway
    /// cannot route a list (the LiteLLM proxy in router mode answers 400 "LLM Provider NOT provided").
    case unsupported(status: Int, detail: String)
    /// The page after a cursor repeated videos already listed: the provider (or a gateway in front of it, such as the
    /// LiteLLM proxy in single mode) drops the `after` parameter, so only the newest page can be read.
    case ignoresCursor
    /// Any other failure, after the retries: an HTTP error, no response, or a body that is not a page.
    case failed(VideoAPIError)

    /// One line that says what to do.
    public var description: String {
        switch self {
        case .unsupported(let status, let detail):
            return "this provider does not support listing videos (HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")): track ids by hand or use submit"
        case .ignoresCursor:
            return "the provider ignores the list cursor (the next page repeated the first, as the LiteLLM proxy does): only the newest page was read; track older ids by hand (soratrack track ID..., or track --from FILE)"
        case .failed(let error):
            if case .http(let status, _, _) = error, status == 401 || status == 403 {
                return "the API rejected the key (\(error)); nothing was listed: check --api-key-file or SORATRACK_API_KEY"
            }
            return "listing videos failed: \(error)"
        }
    }
}
