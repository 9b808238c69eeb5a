import AsyncHTTPClient
import Foundation
import VideoModel
import NIOCore
import NIOFoundationCompat

extension Transport {
    /// A transport over AsyncHTTPClient that can also stream: `send` as ``live(client:)``, and `stream` returning at
    /// the response head with the body read from the connection chunk by chunk.
    public static func liveStreaming(client: HTTPClient) -> Transport {
        Transport(send: live(client: client).send, stream: streamer(on: client))
    }

    /// `stream` over AsyncHTTPClient: `request.timeout` bounds the wait for the head; the caller bounds the body
    /// (the download watches for a stalled body itself). Failures come out as `TransportError`.
    public static func streamer(on client: HTTPClient) -> @Sendable (HTTPRequest) async throws -> StreamedResponse {
        { request in
            let outgoing = outgoing(request)
            let response: HTTPClientResponse
            do {
                response = try await client.execute(outgoing, timeout: TimeAmount(request.timeout))
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw classify(error, for: request)
            }
            let body = response.body
            return StreamedResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: ResponseBody {
                    var chunks = body.makeAsyncIterator()
                    return {
                        do {
                            return try await chunks.next().map { Data(buffer: $0) }
                        } catch {
                            if Task.isCancelled || error is CancellationError { throw CancellationError() }
                            throw classify(error, for: request)
                        }
                    }
                })
        }
    }
}
