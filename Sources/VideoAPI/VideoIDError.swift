/// Why a text is not a valid video id; the message quotes the id and says what is allowed.
public enum VideoIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The id is empty.
    case empty
    /// The id is longer than 128 characters.
    case tooLong(String)
    /// The id holds a character outside letters, digits, `_ - . :`.
    case invalidCharacters(String)
    /// The id is made only of dots, or contains "..".
    case dotSequence(String)

    /// One readable line, e.g. `"ab/c": an id may only hold letters, digits, _ - . : (1–128 characters)`.
    public var description: String {
        switch self {
        case .empty:
            return "an empty id is not valid: an id is 1–128 letters, digits, _ - . :"
        case .tooLong(let raw):
            return "\(Self.quote(raw)): an id may be at most \(VideoID.maxLength) characters (this one has \(raw.count))"
        case .invalidCharacters(let raw):
            return "\(Self.quote(raw)): an id may only hold letters, digits, _ - . : (1–\(VideoID.maxLength) characters)"
        case .dotSequence(let raw):
            return "\(Self.quote(raw)): an id may not be made only of dots or contain \"..\""
        }
    }

    /// Quotes an id with escapes for control characters, shortened when very long.
    private static func quote(_ raw: String) -> String {
        let shown = raw.count > 60 ? String(raw.prefix(57)) + "…" : raw
        return shown.debugDescription
    }
}
