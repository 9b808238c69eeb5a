/// A batch of ids that was refused, with every bad line named.
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    /// One line per problem, such as `line 3: "a/b": …`.
    public var problems: [String]

    public init(problems: [String]) { self.problems = problems }

    public var description: String {
        if problems.count == 1 { return "refused the whole batch: \(problems[0])" }
        return "refused the whole batch (\(problems.count) bad lines, nothing was tracked):\n  " + problems.joined(separator: "\n  ")
    }
}
