import Foundation
import SyncEngine

/// Reads an input file named on the command line (`-` is standard input).
enum InputFile {
    /// The largest input file read (ids are short; saved create responses are a few KB each).
    static let maxBytes = 256 << 20

    static func read(_ name: String) throws -> (name: String, contents: Data) {
        if name == "-" {
            return ("stdin", FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let handle = FileHandle(forReadingAtPath: name) else {
            throw InputError(problems: ["cannot read \(name): no such file or not readable"])
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        if data.count > maxBytes { throw InputError(problems: ["\(name) is larger than \(maxBytes >> 20) MiB"]) }
        return (name, data)
    }
}
