import Foundation
import VideoModel

/// What one attempt got, before it becomes a ``ContentAttempt``.
struct FetchedContent: Sendable {
    var status: Int?
    var headers: [(String, String)] = []
    var saved: SavedContent?
    /// The body kept when it was not the content.
    var body: Data?
    var failure: Failure?

    func header(_ name: String) -> String? { HeaderFields.value(name, in: headers) }

    /// How the retry policy sees the attempt; nil when retrying cannot help (local failure, interruption).
    var outcome: AttemptOutcome? {
        switch failure {
        case .interrupted?, .localWrite?: return nil
        case .transport(let error, _)?: return .transportFailure(error)
        case .lengthMismatch(let announced, let received)?:
            return .transportFailure(.other("got \(received) of \(announced) bytes"))
        case .stalled?: return .transportFailure(.timedOut)
        case .unexpectedType?, .emptyBody?, nil:
            guard let status else { return .transportFailure(.other("no response")) }
            return .response(status: status, headers: headers, error: nil)
        }
    }

    /// Why an attempt that is not a plain HTTP error failed.
    enum Failure: Sendable {
        /// No response, or the connection failed part-way (`received` body bytes by then, nil before the head).
        case transport(TransportError, received: Int64?)
        /// No byte arrived for longer than the timeout.
        case stalled(received: Int64?)
        /// The 2xx body was not the variant's type (a JSON error, an HTML page…).
        case unexpectedType(received: Int64, kept: Int)
        /// A 2xx of the right type with no byte in it.
        case emptyBody
        /// The body length differed from `Content-Length`.
        case lengthMismatch(announced: Int64, received: Int64)
        /// The file could not be written here.
        case localWrite(String)
        /// The task was cancelled (SIGINT/SIGTERM).
        case interrupted

        var isLocal: Bool { if case .localWrite = self { true } else { false } }
        var isInterruption: Bool { if case .interrupted = self { true } else { false } }

        /// One readable line.
        func text(variant: ContentVariant, contentType: String?, apiError: APIErrorInfo?, timeout: Duration) -> String {
            switch self {
            case .transport(let error, let received):
                let reason = error == .timedOut ? "timed out after \(timeout.readableSeconds)" : error.description
                return "transport: " + reason + (received.map { " (after \($0) bytes of the body; nothing was kept)" } ?? "")
            case .stalled(let received):
                return "transport: no data for \(timeout.readableSeconds)" + (received.map { " (after \($0) bytes; nothing was kept)" } ?? "")
            case .unexpectedType:
                let sent = ContentVariant.mediaType(of: contentType) ?? "no content type"
                var line = ContentVariant.isGenericBinary(contentType)
                    ? "the server sent \(sent) that does not start like a \(variant.fileExtension) file, instead of \(variant.mediaType)"
                    : "the server sent \(sent) instead of \(variant.mediaType)"
                if let apiError { line += ": " + apiError.summary }
                return line
            case .emptyBody:
                return "the server sent an empty \(variant.mediaType) body"
            case .lengthMismatch(let announced, let received):
                return "the body had \(received) bytes but Content-Length announced \(announced); nothing was kept"
            case .localWrite(let reason):
                return reason
            case .interrupted:
                return "interrupted before the download finished; nothing was kept"
            }
        }
    }
}
