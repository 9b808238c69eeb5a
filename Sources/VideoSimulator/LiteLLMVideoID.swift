import Foundation

/// A video id as a LiteLLM proxy shows it: `video_` + standard base64 of
/// `litellm:custom_llm_provider:openai;model_id:MODEL;video_id:UPSTREAM_ID[;deployment_id:HASH]`.
///
/// The proxy routes a retrieve by decoding the id; a raw upstream id does not decode, so it does not route.
struct LiteLLMVideoID: Sendable, Hashable {
    /// The provider behind the proxy.
    var provider = "openai"
    /// The model group the video was made with, such as `sora-2`.
    var model: String
    /// The upstream's own id, `video_…`.
    var videoID: String
    /// The hash of the deployment that served it (64 hex digits); nil when the id does not name one.
    var deploymentID: String?

    init(model: String, videoID: String, deploymentID: String?) {
        self.model = model
        self.videoID = videoID
        self.deploymentID = deploymentID
    }

    /// Decodes a wrapped id (padding may be missing); nil for anything else, such as a raw upstream id.
    init?(decoding id: String) {
        guard id.hasPrefix("video_") else { return nil }
        var payload = String(id.dropFirst("video_".count))
        guard !payload.isEmpty else { return nil }
        if payload.utf8.count % 4 != 0 { payload += String(repeating: "=", count: 4 - payload.utf8.count % 4) }
        guard let data = Data(base64Encoded: payload), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("litellm:")
        else { return nil }
        var fields: [String: String] = [:]
        for part in text.dropFirst("litellm:".count).split(separator: ";") {
            guard let colon = part.firstIndex(of: ":") else { return nil }
            fields[String(part[..<colon])] = String(part[part.index(after: colon)...])
        }
        guard let videoID = fields["video_id"], !videoID.isEmpty else { return nil }
        provider = fields["custom_llm_provider"] ?? "openai"
        model = fields["model_id"] ?? ""
        self.videoID = videoID
        deploymentID = fields["deployment_id"]
    }

    /// The id as the proxy sends it.
    var encoded: String {
        var text = "litellm:custom_llm_provider:\(provider);model_id:\(model);video_id:\(videoID)"
        if let deploymentID { text += ";deployment_id:\(deploymentID)" }
        return "video_" + Data(text.utf8).base64EncodedString()
    }
}
