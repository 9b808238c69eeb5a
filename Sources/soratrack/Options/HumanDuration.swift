import ArgumentParser

/// A duration argument such as `500ms`, `45s`, `30m`, `24h`, `7d`, `2w` (a bare number is seconds).
struct HumanDuration: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let duration: Duration
    let description: String

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800)]
        var number = text
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = String(text.dropLast(suffix.count))
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        duration = .milliseconds(Int64((value * scale * 1000).rounded()))
        description = argument
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension HumanDuration {
    init(_ duration: Duration, text: String) {
        self.duration = duration
        self.description = text
    }
}

import Foundation
