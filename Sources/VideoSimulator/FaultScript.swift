/// The faults scripted for one video: applied in order to its successive retrieves, then `thereafter` to every later one.
struct FaultScript: Sendable, Hashable {
    /// Faults still to apply, next first (stored reversed so taking one is O(1)).
    private var remaining: [Fault]
    /// The fault of every retrieve once `remaining` is used up; nil answers normally.
    let thereafter: Fault?

    init(_ faults: [Fault], thereafter: Fault?) {
        remaining = faults.reversed()
        self.thereafter = thereafter
    }

    /// Whether the script has nothing left to apply.
    var isFinished: Bool { remaining.isEmpty && thereafter == nil }

    /// The fault for the next retrieve, or nil when the script is used up.
    mutating func next() -> Fault? {
        remaining.popLast() ?? thereafter
    }
}
