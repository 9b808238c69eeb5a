import Crypto
import Foundation
import VideoModel

/// Reads one streamed response: the content into a writer while hashing it, anything else into memory (capped).
struct ContentReceiver: Sendable {
    let variant: ContentVariant
    let progress: FetchProgress

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
        _ request: HTTPRequest, transport: Transport, openWriter: @Sendable () throws -> any ContentWriter
    ) async -> FetchedContent {
        var result = FetchedContent()
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

        var writer: (any ContentWriter)?
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
            result.saved = SavedContent(path: path, bytes: received, sha256: ContentDigest.hex(hash.finalize()))
        } catch {
            writer.discard()
            result.failure = .localWrite(String(describing: error))
        }
        return result
    }

    private static func failure(_ error: any Error, received: Int64?) -> FetchedContent.Failure {
        if error is CancellationError || Task.isCancelled { return .interrupted }
        if let error = error as? TransportError { return .transport(error, received: received) }
        return .transport(.other(String(describing: error)), received: received)
    }
}
