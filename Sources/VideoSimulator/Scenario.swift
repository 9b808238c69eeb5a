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

/// Why a scenario cannot be used; each message is one line that names the file and the place at fault.
public enum ScenarioError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(source: String, reason: String)
    /// The file is not JSON.
    case notJSON(source: String, reason: String)
    /// A field is unknown, missing, or has a bad value; `location` is a path such as `videos[1].faults[0].count`.
    case invalid(source: String, location: String, problem: String)

    /// A one-line message a user can act on.
    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            "cannot read the scenario \(source) (\(reason)); check the path"
        case .notJSON(let source, let reason):
            "the scenario \(source) is not valid JSON (\(reason)); fix the file"
        case .invalid(let source, let location, let problem):
            "scenario \(source): \(location.isEmpty ? "" : location + ": ")\(problem); fix the file"
        }
    }
}
