import Foundation
import SyncEngine
import VideoModel

/// How a polling command ends badly after it recorded what it got: each case is the one line the run prints.
enum SyncFailure: Error, CustomStringConvertible {
    /// The API answered 401/403: the answer, and what the run did before it stopped.
    case rejectedKey(String, tried: String = "")
    /// No request got any response, or the breaker opened on requests without one.
    case unreachable(String, tried: String = "")
    /// The breaker opened on a provider that answers with transient 5xx (a gateway's 502, 503, 504).
    case providerFailing(String, tried: String)
    /// The API answered 429 asking to wait longer than a run waits: how long, and its answer.
    case rateLimited(wait: String, answer: String, tried: String)

    var description: String {
        switch self {
        case .rejectedKey(let answer, let tried):
            return "the API rejected the key (\(answer)); the run stopped\(tried): check --api-key-file or SORATRACK_API_KEY"
        case .unreachable(let reason, let tried):
            return "the API could not be reached (\(reason))\(tried); nothing was lost: check --base-url and the network, then run again"
        case .providerFailing(let reason, let tried):
            return "the provider is failing (\(reason))\(tried); every attempt is recorded: the next run tries again (check the provider's status page)"
        case .rateLimited(let wait, let answer, let tried):
            return "the API asked to wait \(wait) before any more requests (\(answer))\(tried); every answer is recorded: "
                + "the next run goes on (if this repeats, set --max-rpm below the API's limit)"
        }
    }
}

extension SyncSummary {
    /// Ends a polling command with exactly one line when it failed: a rejected key, an unreachable API or a failing
    /// provider throws it (printed by `ExitCodes.run`); failed polls print it on stderr and return partial. A run that
    /// succeeded prints its summary line on stdout, unless `quiet`.
    func conclude(prefix: String, quiet: Bool) throws -> ExitStatus {
        let tried = triedText
        if let authFailure { throw SyncFailure.rejectedKey(authFailure, tried: tried) }
        switch stop {
        case .unreachable(let inARow, let error)?:
            throw SyncFailure.unreachable(error, tried: "; stopped after \(inARow) failed requests in a row" + tried)
        case .providerFailing(let inARow, let error)?:
            throw SyncFailure.providerFailing(error, tried: "; stopped after \(inARow) failed requests in a row" + tried)
        case .rateLimited(let wait, let error)?:
            throw SyncFailure.rateLimited(wait: Self.seconds(wait), answer: error, tried: "; stopped" + tried)
        case nil:
            break
        }
        if unreachable { throw SyncFailure.unreachable(firstError ?? "no response", tried: tried) }
        let code = exitCode
        if code == .ok {
            if !quiet { print(prefix + line) }
            return .ok
        }
        let failed = counts.pollErrors == 1 ? "1 job" : "\(counts.pollErrors) jobs"
        let first = firstError.map { " (first: \($0))" } ?? ""
        let message = "soratrack: \(prefix)\(line); \(failed) failed after their retries\(first): "
            + "every attempt is recorded (soratrack show ID; --verbose lists each job)\n"
        FileHandle.standardError.write(Data(message.utf8))
        return code
    }

    /// What the run did before it stopped: ": 8 of 200 jobs tried (8 requests, 0 answered), 192 left untouched for the next run".
    private var triedText: String {
        let total = counts.jobs + skipped
        var text = ": \(counts.jobs) of \(total) job\(total == 1 ? "" : "s") tried"
        text += " (\(counts.attempts) request\(counts.attempts == 1 ? "" : "s"), \(counts.responses) answered)"
        if skipped > 0 { text += ", \(skipped) left untouched for the next run" }
        return text
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return fraction == 0 ? "\(whole)s" : String(format: "%.1fs", Double(whole) + Double(fraction) / 1e18)
    }
}
