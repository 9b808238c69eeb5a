/// A time argument that is none of the accepted forms.
public struct TimeExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was given.
    public var text: String

    /// An error for `text`.
    public init(text: String) {
        self.text = text
    }

    /// The reason, without the value (argument errors already quote it).
    public var description: String {
        "not a time: use an ISO 8601 date or date-time (2026-11-28, 2026-11-28T23:51:51Z; no zone means UTC), "
            + "unix seconds (1764373911), or an age before now (45s, 30m, 24h, 7d, 2w)"
    }
}
