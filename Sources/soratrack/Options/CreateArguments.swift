import ArgumentParser
import Foundation
import SyncEngine
import VideoAPI

/// What `submit` and `remix` share: prompt checks and how a created job is shown.
enum CreateArguments {
    /// The API's limits on a prompt: 1–32000 characters.
    static func validate(prompt: String) throws {
        if prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--prompt must not be empty") }
        if prompt.count > 32000 { throw ValidationError("--prompt is \(prompt.count) characters; the API takes at most 32000") }
    }

    /// Whether `text` is `WIDTHxHEIGHT` with two positive whole numbers.
    static func isSize(_ text: String) -> Bool {
        let sides = text.split(separator: "x", omittingEmptySubsequences: false)
        return sides.count == 2 && sides.allSatisfy { side in
            !side.isEmpty && side.count <= 5 && side.allSatisfy(\.isASCII) && (Int(side) ?? 0) > 0
        }
    }

    /// Prints the new id alone on standard output, at once (before the database write), so `id=$(…)` always gets it.
    static func printID(_ id: VideoID) {
        FileHandle.standardOutput.write(Data("\(id)\n".utf8))
    }

    /// The human line on stderr: the job and its state, or that it failed at once.
    static func report(_ result: CreateResult, verb: String, quiet: Bool) {
        let video = result.video
        if video.phase == .failed {
            let reason = video.error?.summary ?? "no reason given"
            FileHandle.standardError.write(Data("soratrack: \(result.videoID) came back failed at once (\(reason)); it is recorded as failed\n".utf8))
            return
        }
        guard !quiet else { return }
        let details = [video.model, video.size, video.seconds.map { $0 + "s" }].compactMap { $0 }.joined(separator: " ")
        let request = result.requestID.map { ", request id \($0)" } ?? ""
        FileHandle.standardError.write(Data("\(verb) \(result.videoID): \(video.status)\(details.isEmpty ? "" : " (\(details))")\(request); tracking it (the next sync polls it)\n".utf8))
    }
}
