/// What a request asks for, from its method and path.
enum Route: Sendable, Hashable {
    case createVideo
    case listVideos
    case retrieveVideo(String)
    case deleteVideo(String)
    case downloadContent(String)
    case remixVideo(String)
    /// `GET /files/NAME`: a signed file link, in the flavours that give them.
    case file(String)
    case controlAdvance
    case controlResponses
    case controlHealth
    case controlRequests
    case controlCreateVideo
    case unknown

    /// The route of `method` on the percent-decoded path `segments`, the API living under the base path of `flavor`
    /// (a path under another base is unknown).
    init(method: String, segments: [String], flavor: Flavor = .openai) {
        let base = flavor.basePathSegments
        if segments.count > base.count, Array(segments.prefix(base.count)) == base {
            self.init(method: method, api: Array(segments.dropFirst(base.count)))
        } else if flavor.servesFiles, method == "GET", segments.count == 2, segments[0] == "files" {
            self = .file(segments[1])
        } else {
            self.init(method: method, control: segments)
        }
    }

    /// The route of `method` on the API path below the base path, such as `["videos", ID]`.
    private init(method: String, api segments: [String]) {
        switch (method, segments.count) {
        case ("POST", 1) where segments[0] == "videos": self = .createVideo
        case ("GET", 1) where segments[0] == "videos": self = .listVideos
        case ("GET", 2) where segments[0] == "videos": self = .retrieveVideo(segments[1])
        case ("DELETE", 2) where segments[0] == "videos": self = .deleteVideo(segments[1])
        case ("GET", 3) where segments[0] == "videos" && segments[2] == "content": self = .downloadContent(segments[1])
        case ("POST", 3) where segments[0] == "videos" && segments[2] == "remix": self = .remixVideo(segments[1])
        default: self = .unknown
        }
    }

    /// The control route of `method` on `segments`, or unknown.
    private init(method: String, control segments: [String]) {
        switch (method, segments.count) {
        case ("POST", 2) where segments == ["_simulator", "advance"]: self = .controlAdvance
        case ("GET", 2) where segments == ["_simulator", "responses"]: self = .controlResponses
        case ("GET", 2) where segments == ["_simulator", "health"]: self = .controlHealth
        case ("GET", 2) where segments == ["_simulator", "requests"]: self = .controlRequests
        case ("POST", 2) where segments == ["_simulator", "videos"]: self = .controlCreateVideo
        default: self = .unknown
        }
    }

    /// Whether this is one of the simulator's own control endpoints (no auth, not logged).
    static func isControl(_ segments: [String]) -> Bool {
        segments.first == "_simulator"
    }
}

extension Route {
    /// Whether the request carries a create or remix form (logged with the request).
    var takesForm: Bool {
        switch self {
        case .createVideo, .remixVideo: true
        default: false
        }
    }

    /// The video id named in the path, if any.
    var videoID: String? {
        switch self {
        case .retrieveVideo(let id), .deleteVideo(let id), .downloadContent(let id), .remixVideo(let id): id
        default: nil
        }
    }

    /// The same route naming video `id` instead.
    func naming(_ id: String) -> Route {
        switch self {
        case .retrieveVideo: .retrieveVideo(id)
        case .deleteVideo: .deleteVideo(id)
        case .downloadContent: .downloadContent(id)
        case .remixVideo: .remixVideo(id)
        default: self
        }
    }
}
