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
