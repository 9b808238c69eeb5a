import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's description
/// independently of the code that writes it, so tests can check what `soratrack` outputs.
///
/// It refuses: a last line without a line feed; a metric or label name outside `[a-zA-Z_:][a-zA-Z0-9_:]*` /
/// `[a-zA-Z_][a-zA-Z0-9_]*` (or a label name starting with `__`); an escape other than `\\`, `\"`, `\n` in a label
/// value (or other than `\\`, `\n` in a help text); a second HELP or TYPE for a metric; a HELP or TYPE after the
/// metric's first sample; an unknown type; a metric whose lines are not all together; a label named twice in one
/// sample; the same series (name and label set) twice; a value that is not a float (`NaN`, `+Inf`, `-Inf` are);
/// a timestamp that is not an integer; anything after them. Comments other than HELP/TYPE and empty lines are allowed.
public struct Exposition: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
        public var timestamp: Int64?
    }

    /// One metric: its help, type and samples, in order of appearance.
    public struct Family: Sendable {
        public var name: String
        public var help: String?
        public var type: String?
        public var samples: [Sample] = []
    }

    /// Why a text is not valid exposition format.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The metrics, in order of first appearance.
    public var families: [Family]

    /// The value of the one sample of `name` with exactly `labels`, if there is one.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        families.lazy.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample of `name`.
    public func samples(_ name: String) -> [Sample] {
        families.flatMap(\.samples).filter { $0.name == name }
    }

    /// The family called `name`.
    public func family(_ name: String) -> Family? {
        families.first { $0.name == name }
    }

    static let types: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    /// Parses `text`, refusing anything the format does not allow.
    public static func parse(_ text: String) throws(ParseError) -> Exposition {
        var families: [Family] = []
        var index: [String: Int] = [:]
        var closed: Set<String> = []
        var current: String?
        var series: Set<String> = []
        guard text.isEmpty || text.hasSuffix("\n") else { throw ParseError(line: 0, message: "the last line does not end with a line feed") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            func fail(_ message: String) -> ParseError { ParseError(line: number, message: message) }
            let line = String(raw)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            // Opens (or continues) the group of `name`, refusing to come back to a finished one.
            func enter(_ name: String) throws(ParseError) -> Int {
                if current != name {
                    if let current { closed.insert(current) }
                    guard !closed.contains(name) else { throw fail("the lines of \(name) are not all together") }
                    current = name
                }
                if let position = index[name] { return position }
                families.append(Family(name: name))
                index[name] = families.count - 1
                return families.count - 1
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") {
                var words = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
                let keyword = words.prefix { $0 != " " && $0 != "\t" }
                guard keyword == "HELP" || keyword == "TYPE" else { continue }  // a plain comment
                words = words.dropFirst(keyword.count)
                guard words.first == " " || words.first == "\t" else { throw fail("\(keyword) without a metric name") }
                words = words.drop { $0 == " " || $0 == "\t" }
                let name = String(words.prefix { $0 != " " && $0 != "\t" })
                guard isMetricName(name) else { throw fail("invalid metric name \(name.debugDescription)") }
                var rest = words.dropFirst(name.count)
                if rest.first == " " || rest.first == "\t" { rest = rest.dropFirst() }
                let position = try enter(name)
                guard families[position].samples.isEmpty else { throw fail("\(keyword) of \(name) after its samples") }
                if keyword == "HELP" {
                    guard families[position].help == nil else { throw fail("a second HELP for \(name)") }
                    families[position].help = try unescape(String(rest), allowQuote: false, line: number)
                } else {
                    guard families[position].type == nil else { throw fail("a second TYPE for \(name)") }
                    let type = rest.trimmingCharacters(in: .whitespaces)
                    guard types.contains(type) else { throw fail("unknown type \(type.debugDescription) for \(name)") }
                    families[position].type = type
                }
                continue
            }
            let sample = try parseSample(Substring(trimmed), line: number)
            let family = familyName(of: sample.name, families: families, index: index)
            let position = try enter(family)
            guard series.insert(sample.name + "\u{0}" + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{0}")).inserted else {
                throw fail("the series \(sample.name)\(sample.labels.sorted { $0.key < $1.key }) appears twice")
            }
            families[position].samples.append(sample)
        }
        return Exposition(families: families)
    }

    /// `_bucket`, `_sum`, `_count` samples belong to the histogram or summary they extend.
    private static func familyName(of name: String, families: [Family], index: [String: Int]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let position = index[base], ["histogram", "summary"].contains(families[position].type ?? "") { return base }
        }
        return name
    }

    private static func parseSample(_ text: Substring, line: Int) throws(ParseError) -> Sample {
        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }
        let name = String(text.prefix { $0 != "{" && $0 != " " && $0 != "\t" })
        guard isMetricName(name) else { throw fail("invalid metric name \(name.debugDescription)") }
        var rest = text.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while true {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                if rest.first == "}" {
                    rest = rest.dropFirst()
                    break
                }
                let label = String(rest.prefix { $0 != "=" && $0 != " " && $0 != "\t" && $0 != "}" && $0 != "," })
                guard isLabelName(label) else { throw fail("invalid label name \(label.debugDescription)") }
                guard !label.hasPrefix("__") else { throw fail("label name \(label) is reserved (starts with __)") }
                rest = rest.dropFirst(label.count).drop { $0 == " " || $0 == "\t" }
                guard rest.first == "=" else { throw fail("label \(label) without =") }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                guard rest.first == "\"" else { throw fail("the value of label \(label) is not quoted") }
                rest = rest.dropFirst()
                var value = ""
                var closedQuote = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        closedQuote = true
                        break
                    }
                    if character == "\\" {
                        guard let escaped = rest.first else { break }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw fail("invalid escape \\\(escaped) in the value of label \(label)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard closedQuote else { throw fail("the value of label \(label) is not closed") }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice in one sample") }
                rest = rest.drop { $0 == " " || $0 == "\t" }
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    throw fail("expected , or } after the value of label \(label)")
                }
            }
        }
        guard rest.first == " " || rest.first == "\t" else { throw fail("no space before the value of \(name)") }
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard (1...2).contains(fields.count) else { throw fail("expected a value and at most a timestamp after \(name)") }
        guard let value = parseFloat(String(fields[0])) else { throw fail("\(fields[0].debugDescription) is not a float") }
        var timestamp: Int64?
        if fields.count == 2 {
            guard let stamp = Int64(fields[1]) else { throw fail("timestamp \(fields[1].debugDescription) is not an integer") }
            timestamp = stamp
        }
        return Sample(name: name, labels: labels, value: value, timestamp: timestamp)
    }

    /// A float as Go's `strconv.ParseFloat` reads the format's values: decimal with optional exponent, `NaN`, `±Inf`.
    public static func parseFloat(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: break
        }
        var characters = Substring(text)
        if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
        let whole = characters.prefix { $0.isASCII && $0.isNumber }
        characters = characters.dropFirst(whole.count)
        var fraction = Substring("")
        if characters.first == "." {
            characters = characters.dropFirst()
            fraction = characters.prefix { $0.isASCII && $0.isNumber }
            characters = characters.dropFirst(fraction.count)
        }
        guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
        if characters.first == "e" || characters.first == "E" {
            characters = characters.dropFirst()
            if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
            let exponent = characters.prefix { $0.isASCII && $0.isNumber }
            guard !exponent.isEmpty else { return nil }
            characters = characters.dropFirst(exponent.count)
        }
        guard characters.isEmpty else { return nil }
        return Double(text)
    }

    /// Undoes the escapes of a help text (`\\`, `\n`) or, with `allowQuote`, of a label value (also `\"`).
    private static func unescape(_ text: String, allowQuote: Bool, line: Int) throws(ParseError) -> String {
        var result = ""
        var characters = Substring(text)
        while let character = characters.first {
            characters = characters.dropFirst()
            guard character == "\\" else {
                result.append(character)
                continue
            }
            guard let escaped = characters.first else { throw ParseError(line: line, message: "a lone \\ at the end of a help text") }
            characters = characters.dropFirst()
            switch escaped {
            case "\\": result.append("\\")
            case "n": result.append("\n")
            case "\"" where allowQuote: result.append("\"")
            default: throw ParseError(line: line, message: "invalid escape \\\(escaped) in a help text")
            }
        }
        return result
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first == "_" || first == ":" || CharacterSet.letters.contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0 == ":" || CharacterSet.alphanumerics.contains($0)) }
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first == "_" || CharacterSet.letters.contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || CharacterSet.alphanumerics.contains($0)) }
    }
}
