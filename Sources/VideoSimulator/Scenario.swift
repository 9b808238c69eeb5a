import Foundation
import VideoModel

/// A scripted simulator run: videos with fixed ids, outcomes, fault scripts and quirks, plus global settings.
///
/// Loaded by `soratrack simulate --scenario FILE` or set as ``SimulatorConfiguration/scenario``; the file format is
/// a JSON object with `videos`, `quirks`, `reject_all_keys`, `listing` and `blocked_terms` (see the faults
/// documentation for every field).
public struct Scenario: Sendable, Hashable {
    /// Videos created when the simulator starts, in this order, at the virtual start time.
    public var videos: [ScriptedVideo]
    /// Quirks applied to every video's answers.
    public var quirks: Set<Quirk>
    /// When true every API request is refused with 401 `invalid_api_key`.
    public var rejectAllKeys: Bool
    /// How `GET /v1/videos` answers; nil leaves the configuration's setting.
    public var listing: ListingSupport?
    /// Prompt words that make a create answer a job already failed with `moderation_blocked`.
    public var blockedTerms: [String]

    /// A scenario from its parts.
    public init(
        videos: [ScriptedVideo] = [], quirks: Set<Quirk> = [], rejectAllKeys: Bool = false,
        listing: ListingSupport? = nil, blockedTerms: [String] = []
    ) {
        self.videos = videos
        self.quirks = quirks
        self.rejectAllKeys = rejectAllKeys
        self.listing = listing
        self.blockedTerms = blockedTerms
    }

    /// Reads and checks the scenario file at `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(source: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, source: path)
    }

    /// Parses and checks a scenario document; `source` names it in error messages.
    public static func parse(_ data: Data, source: String = "scenario") throws(ScenarioError) -> Scenario {
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw .notJSON(source: source, reason: ScenarioReader.reason(of: error))
        }
        let scenario = try ScenarioReader(source: source).scenario(json)
        try scenario.validate(source: source)
        return scenario
    }

    /// Refuses unusable or duplicate ids and nonsensical scripts.
    public func validate(source: String = "scenario") throws(ScenarioError) {
        var seen: Set<String> = []
        for (index, video) in videos.enumerated() {
            guard let id = video.id else { continue }
            let location = "videos[\(index)].id"
            guard ScriptedVideo.isUsableID(id) else {
                throw .invalid(
                    source: source, location: location,
                    problem: "\(id.debugDescription) is not a usable id (1–128 letters, digits, _ - . :)"
                )
            }
            guard seen.insert(id).inserted else {
                throw .invalid(source: source, location: location, problem: "the id \(id) appears twice")
            }
        }
    }
}
