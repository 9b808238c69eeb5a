import Foundation

/// The gateway the simulator answers as: the same jobs and clock behind each gateway's paths, auth header, ids,
/// statuses, bodies, error envelopes and headers.
///
/// ``openai`` is the simulator's plain behaviour; every other flavour reshapes it the way that gateway does.
public enum Flavor: String, Sendable, Hashable, CaseIterable {
    /// OpenAI's own API: base `/v1`, `Authorization: Bearer`, `video_…` ids, OpenAI's error envelope.
    case openai
    /// A LiteLLM proxy in router mode in front of OpenAI: base `/v1`, ids wrapped in base64, bodies rebuilt, every
    /// error wrapped in LiteLLM's envelope, upstream headers prefixed `llm_provider-`, no listing.
    case litellm
    /// OpenRouter: base `/api/v1`, `job-…` ids, `pending` instead of `queued`, signed `urls` once completed.
    case openrouter
    /// Together: base `/v1`, UUID ids, the file at `outputs.video_url`, no content endpoint.
    case together
    /// Azure AI Foundry's v1 API: base `/openai/v1`, the key in an `api-key` header, OpenAI's schema.
    case azure
    /// CometAPI: base `/v1`, OpenAI's shape plus a signed `video_url` once completed, CometAPI's error envelopes.
    case comet

    /// The path the API lives under: `/v1`, `/api/v1` (OpenRouter) or `/openai/v1` (Azure).
    public var basePath: String {
        switch self {
        case .openai, .litellm, .together, .comet: "/v1"
        case .openrouter: "/api/v1"
        case .azure: "/openai/v1"
        }
    }

    /// The base URL of an API on `host:port` in this flavour, such as `http://127.0.0.1:8080/api/v1`.
    public func baseURL(host: String, port: Int) -> URL {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "http://\(hostPart):\(port)\(basePath)") else {
            preconditionFailure("a host and port always form a URL")
        }
        return url
    }

    /// The segments of ``basePath``.
    var basePathSegments: [String] {
        basePath.split(separator: "/").map(String.init)
    }

    /// Whether the key travels as `api-key: KEY` rather than `Authorization: Bearer KEY`.
    var usesAPIKeyHeader: Bool { self == .azure }

    /// Whether completed videos carry a signed link to their file, served under `/files/` without auth.
    var servesFiles: Bool {
        switch self {
        case .openrouter, .together, .comet: true
        case .openai, .litellm, .azure: false
        }
    }

    /// Whether `GET …/videos/{id}/content` exists (Together has none).
    var hasContentEndpoint: Bool { self != .together }

    /// Whether downloads honour `?variant=` (LiteLLM drops it, OpenRouter takes `?index=` instead): otherwise every
    /// download is the video.
    var honoursVariant: Bool {
        switch self {
        case .openai, .azure, .comet, .together: true
        case .litellm, .openrouter: false
        }
    }

    /// The status a job reports in this flavour for the simulator's `status`.
    func status(_ status: String) -> String {
        self == .openrouter && status == "queued" ? "pending" : status
    }

    /// A new job id drawn from `random`: `video_` + 32 hex digits, `job-` + 24 letters and digits (OpenRouter) or a
    /// UUID (Together). LiteLLM draws the upstream's `video_…` id and shows it wrapped.
    func drawVideoID(_ random: inout SeededRandom) -> String {
        switch self {
        case .openai, .litellm, .azure, .comet: "video_" + random.hex(bytes: 16)
        case .openrouter: "job-" + random.alphanumeric(count: 24)
        case .together: random.uuid()
        }
    }
}
