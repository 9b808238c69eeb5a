import VideoModel
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
