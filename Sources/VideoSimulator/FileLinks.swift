/// Where a completed video's file can be fetched in the flavours that link to it.
///
/// The signed link names the host `localhost` while the API is reached at `127.0.0.1`: another host name, as a
/// storage host is, so a client that sends its API key there can be caught (see ``LoggedRequest/authSent``).
struct FileLinks: Sendable, Hashable {
    /// `http://localhost:PORT/files/TOKEN.mp4?sig=HEX`, served without auth.
    var signed: String
    /// OpenRouter's authenticated link, `http://127.0.0.1:PORT/api/v1/videos/ID/content?index=0`.
    var unsigned: String

    /// The links of video `id` on a server whose API root is `apiRoot` (`http://127.0.0.1:PORT`) and whose port is
    /// `port`.
    init(seed: UInt64, videoID id: String, apiRoot: String, port: Int, flavor: Flavor) {
        let token = FileLinks.token(seed: seed, videoID: id)
        signed = "http://localhost:\(port)/files/\(token).mp4?sig=\(FileLinks.signature(seed: seed, token: token))"
        unsigned = "\(apiRoot)\(flavor.basePath)/videos/\(id)/content?index=0"
    }

    /// The file name token of video `id`: 32 hex digits, fixed for a seed and id.
    static func token(seed: UInt64, videoID id: String) -> String {
        var random = SeededRandom(seed: seed, stream: .file, index: SeededRandom.hash(id))
        return random.hex(bytes: 16)
    }

    /// The `sig` a link to `token` must carry: 64 hex digits, fixed for a seed and token.
    static func signature(seed: UInt64, token: String) -> String {
        var random = SeededRandom(seed: seed, stream: .signature, index: SeededRandom.hash(token))
        return random.hex(bytes: 32)
    }
}
