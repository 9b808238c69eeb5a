/// How the video objects of one server are written in its flavour: the status wording and, once a video is
/// completed, the link to its file.
///
/// LiteLLM's changes are not here: the proxy rebuilds the upstream's (OpenAI-shaped) answer afterwards.
struct VideoPresentation: Sendable {
    var flavor: Flavor
    var seed: UInt64
    /// The API root clients use, `http://127.0.0.1:PORT`.
    var apiRoot: String
    /// The port the server listens on.
    var port: Int

    /// Whether the objects differ from OpenAI's shape.
    var changesBody: Bool {
        flavor == .openrouter || flavor.servesFiles
    }

    /// The links to the file of video `id`.
    func links(forVideo id: String) -> FileLinks {
        FileLinks(seed: seed, videoID: id, apiRoot: apiRoot, port: port, flavor: flavor)
    }
}
