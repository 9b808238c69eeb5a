/// How a simulated job ends.
public enum SimulatedOutcome: Sendable, Hashable {
    /// The job renders and ends `completed` with downloadable assets.
    case completed
    /// The job ends `failed` with this `error.code` and `error.message`.
    case failed(code: String, message: String)
}
