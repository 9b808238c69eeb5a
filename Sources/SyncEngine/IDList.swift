import Foundation
import VideoAPI

/// Reads a batch of video ids from arguments and input files, validating all of it before anything is tracked.
public enum IDList {
    /// The longest line an input file may have (JSON lines of saved create responses included).
    public static let maxLineBytes = 1 << 20

    /// Parses ids given as arguments and the contents of `--from` inputs; duplicates are kept once, in order.
    ///
    /// Files hold one id per line, or JSON lines with an `id` field; blank lines and `#` comments are skipped.
    public static func parse(arguments: [String], files: [(name: String, contents: Data)]) throws(InputError) -> [VideoID] {
        var ids: [VideoID] = []
        var problems: [String] = []
        for (index, argument) in arguments.enumerated() {
            do {
                ids.append(try VideoID(validating: argument))
            } catch {
                problems.append("argument \(index + 1): \(error)")
            }
        }
        for file in files {
            parseFile(file.name, file.contents, into: &ids, problems: &problems)
        }
        if !problems.isEmpty { throw InputError(problems: problems) }
        var seen = Set<VideoID>()
        return ids.filter { seen.insert($0).inserted }
    }

    private static func parseFile(_ name: String, _ contents: Data, into ids: inout [VideoID], problems: inout [String]) {
        guard let text = String(data: contents, encoding: .utf8) else {
            problems.append("\(name): not UTF-8 text")
            return
        }
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if rawLine.utf8.count > maxLineBytes {
                problems.append("\(name) line \(lineNumber): longer than \(maxLineBytes) bytes")
                continue
            }
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let candidate: String
            if line.hasPrefix("{") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let id = object["id"] as? String
                else {
                    problems.append("\(name) line \(lineNumber): a JSON line needs a string \"id\" field")
                    continue
                }
                candidate = id
            } else {
                candidate = line
            }
            do {
                ids.append(try VideoID(validating: candidate))
            } catch {
                problems.append("\(name) line \(lineNumber): \(error)")
            }
        }
    }
}

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
