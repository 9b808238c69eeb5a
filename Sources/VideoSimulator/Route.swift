/// What a request asks for, from its method and path.
enum Route: Sendable, Hashable {
    case createVideo
    case listVideos
    case retrieveVideo(String)
    case deleteVideo(String)
    case downloadContent(String)
    case remixVideo(String)
    case controlAdvance
    case controlResponses
    case controlHealth
    case controlRequests
    case controlCreateVideo
    case unknown

    /// The route of `method` on the percent-decoded path `segments`.
    init(method: String, segments: [String]) {
        switch (method, segments.count) {
        case ("POST", 2) where segments == ["v1", "videos"]: self = .createVideo
        case ("GET", 2) where segments == ["v1", "videos"]: self = .listVideos
        case ("GET", 3) where segments[0] == "v1" && segments[1] == "videos": self = .retrieveVideo(segments[2])
        case ("DELETE", 3) where segments[0] == "v1" && segments[1] == "videos": self = .deleteVideo(segments[2])
        case ("GET", 4) where segments[0] == "v1" && segments[1] == "videos" && segments[3] == "content":
            self = .downloadContent(segments[2])
        case ("POST", 4) where segments[0] == "v1" && segments[1] == "videos" && segments[3] == "remix":
            self = .remixVideo(segments[2])
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
}
