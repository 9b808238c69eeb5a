import Crypto
import Foundation
import Synchronization
import VideoModel

/// Reads one streamed response: the content into a writer while hashing it, anything else into memory (capped).
struct DownloadReceiver: Sendable {
    let variant: ContentVariant
    let progress: DownloadProgress

    /// A write failure of the writer, kept apart from transport failures.
    private struct LocalWriteFailure: Error {
        var reason: String
    }

    /// What the body is taken for so far.
    private enum Mode {
        /// The content: into the writer.
        case content
        /// A generic binary type: the first bytes decide.
        case sniffing
        /// Not the content: kept in memory up to the cap.
        case other
    }

    func receive(
        _ request: HTTPRequest, transport: Transport, openWriter: @Sendable () throws -> any DownloadWriter
    ) async -> DownloadResponse {
        var result = DownloadResponse()
        let response: StreamedResponse
        do {
            response = try await transport.stream(request)
        } catch {
            result.failure = Self.failure(error, received: nil)
            return result
        }
        progress.head(status: response.status, headers: response.headers)
        result.status = response.status
        result.headers = response.headers
        let contentType = response.header("content-type")
        let success = (200..<300).contains(response.status)
        var mode: Mode = !success ? .other
            : variant.accepts(contentType: contentType) ? .content
            : ContentVariant.isGenericBinary(contentType) ? .sniffing : .other

        var writer: (any DownloadWriter)?
        var hash = SHA256()
        var received: Int64 = 0
        var held = Data()
        do {
            func startContent(with bytes: Data) throws {
                do {
                    writer = try openWriter()
                    if !bytes.isEmpty { try writer?.write(bytes) }
                } catch {
                    throw LocalWriteFailure(reason: String(describing: error))
                }
                hash.update(data: bytes)
                mode = .content
            }
            if mode == .content { try startContent(with: Data()) }
            for try await chunk in response.body {
                progress.received(chunk.count)
                received += Int64(chunk.count)
                switch mode {
                case .content:
                    hash.update(data: chunk)
                    do { try writer?.write(chunk) } catch { throw LocalWriteFailure(reason: String(describing: error)) }
                case .sniffing:
                    held.append(chunk)
                    if held.count >= ContentVariant.signatureLength {
                        if variant.hasSignature(Array(held.prefix(ContentVariant.signatureLength))) {
                            let bytes = held
                            held = Data()
                            try startContent(with: bytes)
                        } else {
                            mode = .other
                        }
                    }
                case .other:
                    held.append(chunk.prefix(max(0, VideoAPIClient.maxErrorBodyBytes - held.count)))
                }
                // Not the content and already more than is kept: stop reading it.
                if mode == .other, held.count >= VideoAPIClient.maxErrorBodyBytes { break }
            }
        } catch let failure as LocalWriteFailure {
            writer?.discard()
            result.failure = .localWrite(failure.reason)
            return result
        } catch {
            writer?.discard()
            result.failure = Self.failure(error, received: received)
            return result
        }

        guard mode == .content, var writer else {
            writer?.discard()
            if held.count > VideoAPIClient.maxErrorBodyBytes { held = held.prefix(VideoAPIClient.maxErrorBodyBytes) }
            result.body = held
            if success { result.failure = .unexpectedType(received: received, kept: held.count) }
            return result
        }
        if Task.isCancelled {
            writer.discard()
            result.failure = .interrupted
            return result
        }
        if let announced = HeaderFields.value("content-length", in: response.headers).flatMap({ Int64($0) }), announced != received {
            writer.discard()
            result.failure = .lengthMismatch(announced: announced, received: received)
            return result
        }
        if received == 0 {
            writer.discard()
            result.failure = .emptyBody
            return result
        }
        do {
            let path = try writer.commit()
            result.saved = SavedFile(path: path, bytes: received, sha256: DownloadDigest.hex(hash.finalize()))
        } catch {
            writer.discard()
            result.failure = .localWrite(String(describing: error))
        }
        return result
    }

    private static func failure(_ error: any Error, received: Int64?) -> DownloadResponse.Failure {
        if error is CancellationError || Task.isCancelled { return .interrupted }
        if let error = error as? TransportError { return .transport(error, received: received) }
        return .transport(.other(String(describing: error)), received: received)
    }
}

/// Where the bytes of one download attempt go as they arrive.
///
/// The client makes one only once the response looks like the content (right status and type), writes every chunk,
/// then commits it when the whole body arrived and matched its `Content-Length`, or discards it on any failure.
public protocol DownloadWriter {
    /// Appends a chunk; throws (with a readable description) when it cannot be written.
    mutating func write(_ chunk: Data) throws
    /// Puts the complete file in place and returns its absolute path.
    mutating func commit() throws -> String
    /// Removes whatever was written; the final path is left as it was.
    mutating func discard()
}

/// What one attempt got, before it becomes a ``DownloadAttempt``.
struct DownloadResponse: Sendable {
    var status: Int?
    var headers: [(String, String)] = []
    var saved: SavedFile?
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

/// When the body last moved, and the head once it arrived: what the stall watch reads.
final class DownloadProgress: Sendable {
    private struct State {
        var lastActivity = ContinuousClock.now
        var status: Int?
        var headers: [(String, String)] = []
        var received: Int64?
    }
    private let state = Mutex(State())

    /// The head arrived.
    func head(status: Int, headers: [(String, String)]) {
        state.withLock {
            $0.status = status
            $0.headers = headers
            $0.received = 0
            $0.lastActivity = .now
        }
    }

    /// `count` more body bytes arrived.
    func received(_ count: Int) {
        state.withLock {
            $0.received = ($0.received ?? 0) + Int64(count)
            $0.lastActivity = .now
        }
    }

    /// Returns once nothing has moved for longer than `limit` (the head wait included); throws when cancelled.
    func waitForStall(longerThan limit: Duration) async throws {
        let tick = min(limit, .seconds(1))
        while true {
            try await Task.sleep(for: tick)
            let idle = state.withLock { $0.lastActivity.duration(to: .now) }
            if idle > limit { return }
        }
    }

    /// The attempt as it stood when it stalled.
    func stalled(after limit: Duration) -> DownloadResponse {
        state.withLock {
            var result = DownloadResponse(status: $0.status, headers: $0.headers)
            result.failure = $0.status == nil ? .transport(.timedOut, received: nil) : .stalled(received: $0.received)
            return result
        }
    }
}
