import VideoSimulator

/// The batch of jobs the demo creates: mixed models, sizes and lengths, two moderation failures, one slow job.
struct DemoBatch {
    struct Entry {
        var prompt: String
        var model: String
        var size: String
        var seconds: String
        var outcome: SimulatedOutcome?
        var durationSeconds: Double?
    }

    static let prompts = [
        "A paper airplane glides across a sunlit desk", "Aurora over a frozen lake, slow pan",
        "A red fox trotting through fresh snow", "Close-up of rain on a neon-lit window",
        "Timelapse of a city intersection at dusk", "A ceramic mug steaming on a wooden table",
        "Waves rolling onto a black sand beach", "A hummingbird hovering near a flower",
        "Drone shot over terraced rice fields", "A vintage train crossing a stone viaduct",
        "Macro shot of a dew drop on a leaf", "A chef plating pasta in slow motion",
    ]

    /// `count` entries, the same for the same count.
    static func entries(count: Int) -> [Entry] {
        (0..<count).map { index in
            let pro = index % 4 == 3
            let sizes = pro ? ["1792x1024", "1024x1792", "1280x720"] : ["1280x720", "720x1280"]
            var entry = Entry(
                prompt: prompts[index % prompts.count] + (index >= prompts.count ? " (take \(index / prompts.count + 1))" : ""),
                model: pro ? "sora-2-pro" : "sora-2",
                size: sizes[index % sizes.count],
                seconds: ["4", "8", "12"][index % 3])
            if index == 5 || index == 17 {
                entry.outcome = .failed(code: "moderation_blocked", message: "Your request was blocked by our moderation system.")
            } else if index == 9 {
                entry.outcome = .completed
                entry.durationSeconds = 12 * 60  // the slow one
            }
            return entry
        }
    }
}
