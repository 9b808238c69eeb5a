/// Why a page of `GET /videos` could not be read.
public enum ListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider has no list endpoint: it answered 404, 405 or 501, a redirect, or an HTML page.
    case unsupported(status: Int, detail: String)
    /// Any other failure, after the retries: an HTTP error, no response, or a body that is not a page.
    case failed(VideoAPIError)

    /// One line that says what to do.
    public var description: String {
        switch self {
        case .unsupported(let status, let detail):
            return "this provider does not support listing videos (HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")): track ids by hand or use submit"
        case .failed(let error):
            if case .http(let status, _, _) = error, status == 401 || status == 403 {
                return "the API rejected the key (\(error)); nothing was listed: check --api-key-file or SORATRACK_API_KEY"
            }
            return "listing videos failed: \(error)"
        }
    }
}
