/// The simulator's clock: a start time, plus real time scaled by `speed`, plus every manual step.
struct VirtualClock: Sendable {
    private let start: Double
    private let speed: Double
    private let realStart: ContinuousClock.Instant
    private var stepped: Double = 0

    /// A clock reading `start` (unix seconds) now, moving `speed` virtual seconds per real second.
    init(start: Double, speed: Double) {
        self.start = start
        self.speed = speed.isFinite ? max(0, speed) : 0
        self.realStart = .now
    }

    /// The current virtual time in unix seconds.
    func now() -> Double {
        guard speed > 0 else { return start + stepped }
        let elapsed = realStart.duration(to: .now).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        return start + stepped + speed * seconds
    }

    /// Moves the clock forward; negative or non-finite steps are ignored, as time never runs backwards.
    mutating func advance(by seconds: Double) {
        guard seconds.isFinite, seconds > 0 else { return }
        stepped += seconds
    }
}
