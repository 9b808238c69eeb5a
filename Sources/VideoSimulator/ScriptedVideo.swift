/// A video the simulator holds from the start (or from a control request), with its fault script and quirks.
public struct ScriptedVideo: Sendable, Hashable {
    /// A fixed id; nil draws one from the seed like `POST /v1/videos` does.
    public var id: String?
    /// The prompt it was created with.
    public var prompt: String
    /// The model, such as `sora-2`.
    public var model: String
    /// The clip length in seconds, as the string the API uses.
    public var seconds: String
    /// The resolution, such as `720x1280`.
    public var size: String
    /// How it ends; nil chooses from the seed and the failure rate.
    public var outcome: SimulatedOutcome?
    /// Virtual seconds from creation to its ending (queued and running); nil chooses a realistic time from the seed.
    public var durationSeconds: Double?
    /// Faults for its successive `GET /v1/videos/{id}` requests, one each, in order.
    public var faults: [Fault]
    /// The fault for every retrieve after `faults` are used up; nil answers normally.
    public var thereafter: Fault?
    /// Faults for its successive `GET /v1/videos/{id}/content` requests, one each, in order.
    public var contentFaults: [Fault] = []
    /// The fault for every content request after `contentFaults` are used up; nil answers normally.
    public var contentThereafter: Fault?
    /// How a proxy reshapes this video's answers.
    public var quirks: Set<Quirk>

    /// A scripted video; every argument but the prompt has the default of `POST /v1/videos`.
    public init(
        id: String? = nil, prompt: String, model: String = "sora-2", seconds: String = "4", size: String = "720x1280",
        outcome: SimulatedOutcome? = nil, durationSeconds: Double? = nil, faults: [Fault] = [],
        thereafter: Fault? = nil, quirks: Set<Quirk> = []
    ) {
        self.id = id
        self.prompt = prompt
        self.model = model
        self.seconds = seconds
        self.size = size
        self.outcome = outcome
        self.durationSeconds = durationSeconds
        self.faults = faults
        self.thereafter = thereafter
        self.quirks = quirks
    }

    /// Whether `id` can name a video: 1–128 letters, digits, `_`, `-`, `.`, `:`, not only dots and without `..`.
    static func isUsableID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), !id.contains(".."), id.contains(where: { $0 != "." }) else {
            return false
        }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"): true
            default: false
            }
        }
    }
}
