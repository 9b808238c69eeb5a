/// Why a text is not a valid video id; the message quotes the id and says what is allowed.
public enum VideoIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id is empty.
    case empty
    /// The id is longer than 1024 bytes.
    case tooLong(String)
    /// The id holds a space.
    case space(String)
    /// The id holds a control character or a byte outside printable ASCII.
    case invalidCharacters(String)
    /// The id is `.` or `..`, which a URL reads as a path step, not a name.
    case dotSegment(String)

    /// One readable line, e.g. `"ab c": an id may not hold spaces (an id is 1–1024 bytes of printable ASCII)`.
    public var description: String {
        let rule = "an id is 1–\(VideoID.maxLength) bytes of printable ASCII without spaces"
        switch self {
        case .empty:
            return "an empty id is not valid: \(rule)"
        case .tooLong(let raw):
            return "\(Self.quote(raw)): an id may be at most \(VideoID.maxLength) bytes (this one has \(raw.utf8.count))"
        case .space(let raw):
            return "\(Self.quote(raw)): an id may not hold spaces (\(rule))"
        case .invalidCharacters(let raw):
            return "\(Self.quote(raw)): an id may only hold printable ASCII characters (\(rule))"
        case .dotSegment(let raw):
            return "\(Self.quote(raw)): \".\" and \"..\" are not ids (\(rule))"
        }
    }

    /// Quotes an id with escapes for control characters, shortened when very long.
    private static func quote(_ raw: String) -> String {
        let shown = raw.count > 60 ? String(raw.prefix(57)) + "…" : raw
        return shown.debugDescription
    }
}
