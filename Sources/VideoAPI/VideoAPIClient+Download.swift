import Foundation
import VideoModel

extension VideoAPIClient {
    /// The most bytes kept of a body that is not the content (an error body or page is recorded, not saved as a file).
    public static let maxErrorBodyBytes = 256 * 1024

    /// GET {base}/videos/{id}/content[?variant=], streamed into writers from `openWriter` (one per attempt that gets
    /// the content), retried per policy like a poll; `record` is awaited for every attempt before the next starts.
    ///
    /// An attempt succeeds only with a 2xx whose `Content-Type` is the variant's media type (parameters ignored; a
    /// generic binary type passes when the bytes start like such a file) and whose body length equals its
    /// `Content-Length`; anything else is a failed attempt and its writer is discarded. The SHA-256 is computed while
    /// the bytes stream. A body that stalls for longer than the request timeout fails the attempt. Returns the final
    /// attempt; cancelling the task interrupts the attempt in flight (its writer discarded) and stops the retries.
    ///
    /// When the provider has no content endpoint (404, 405 or 501) and the video's body named a `fileURL` (see
    /// ``Video/fileURL``), the video is fetched from there, by the same rules. The key goes only to the base URL's
    /// own origin (scheme, host and port): a signed link on another host gets no `Authorization` or `api-key` header.
    public func downloadContent(
        _ id: VideoID, variant: ContentVariant, fileURL: String? = nil,
        openWriter: @escaping @Sendable () throws -> any DownloadWriter,
        record: @Sendable (DownloadAttempt) async throws -> Void
    ) async throws -> DownloadAttempt {
        var request = makeRequest(method: "GET", url: contentURL(id, variant: variant))
        let result = try await fetchWithRetries(
            request, id: id, variant: variant, firstAttempt: 0, openWriter: openWriter, record: record)
        guard variant == .video, let fileURL, !result.ok, !result.wasInterrupted, !Task.isCancelled,
            let status = result.httpStatus, [404, 405, 501].contains(status),
            let url = URL(string: fileURL), ["http", "https"].contains(url.scheme?.lowercased() ?? "")
        else { return result }
        request.url = fileURL
        if !isSameOrigin(url) {
            request.headers = request.headers.filter { field in
                !["authorization", "api-key"].contains(field.0.lowercased())
            }
        }
        return try await fetchWithRetries(
            request, id: id, variant: variant, firstAttempt: result.attempt + 1, openWriter: openWriter, record: record)
    }

    /// One source's attempts, numbered from `firstAttempt`, until the policy stops them.
    private func fetchWithRetries(
        _ request: HTTPRequest, id: VideoID, variant: ContentVariant, firstAttempt: Int,
        openWriter: @escaping @Sendable () throws -> any DownloadWriter,
        record: @Sendable (DownloadAttempt) async throws -> Void
    ) async throws -> DownloadAttempt {
        var request = request
        // What the official SDKs send for this endpoint.
        request.headers = request.headers.map { $0.0.lowercased() == "accept" ? ($0.0, "application/binary") : $0 }
        let final = try await retrying(deadline: nil, firstAttempt: firstAttempt) { attempt in
            let startedAt = clock.now()
            let fetched = await fetchContent(request, variant: variant, openWriter: openWriter)
            let result = contentAttempt(id, variant: variant, attempt: attempt, startedAt: startedAt, fetched: fetched)
            return (result, fetched.outcome, fetched.status, fetched.headers, result.finishedAt)
        } onAttempt: { result, _ in
            try await record(result)
        }
        // Nil: cancelled while waiting for the run's rate budget, so nothing was sent.
        return final?.0 ?? contentAttempt(
            id, variant: variant, attempt: firstAttempt, startedAt: clock.now(), fetched: DownloadResponse(failure: .interrupted))
    }

    /// Whether `url` has the base URL's scheme, host and port (default ports filled in), so the key may go there.
    func isSameOrigin(_ url: URL) -> Bool {
        func origin(_ url: URL) -> (String, String, Int)? {
            guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
            return (scheme, host, url.port ?? (scheme == "https" ? 443 : 80))
        }
        guard let mine = origin(baseURL), let theirs = origin(url) else { return false }
        return mine == theirs
    }

    /// `{base}/videos/{id}/content`, with `?variant=` for the assets other than the video.
    func contentURL(_ id: VideoID, variant: ContentVariant) -> String {
        videoURL(id) + "/content" + (variant.queryValue.map { "?variant=" + Self.percentEncoded($0) } ?? "")
    }

    /// One attempt: the transport's stream raced against a watch on the body stalling.
    private func fetchContent(
        _ request: HTTPRequest, variant: ContentVariant, openWriter: @escaping @Sendable () throws -> any DownloadWriter
    ) async -> DownloadResponse {
        let progress = DownloadProgress()
        let transport = transport
        let stallLimit = timeout
        do {
            return try await withThrowingTaskGroup(of: DownloadResponse.self) { group in
                group.addTask {
                    await DownloadReceiver(variant: variant, progress: progress).receive(
                        request, transport: transport, openWriter: openWriter)
                }
                group.addTask {
                    try await progress.waitForStall(longerThan: stallLimit)
                    return progress.stalled(after: stallLimit)
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { return DownloadResponse(failure: .interrupted) }
                return first
            }
        } catch {
            return DownloadResponse(failure: .interrupted)
        }
    }

    /// The record of one fetched attempt, every text and body with the key redacted.
    private func contentAttempt(
        _ id: VideoID, variant: ContentVariant, attempt: Int, startedAt: Date, fetched: DownloadResponse
    ) -> DownloadAttempt {
        var result = DownloadAttempt(
            videoID: id, variant: variant, attempt: attempt, startedAt: startedAt, finishedAt: clock.now(),
            httpStatus: fetched.status, requestID: HeaderFields.requestID(in: fetched.headers),
            contentType: fetched.header("content-type"), file: fetched.saved)
        result.body = fetched.body.flatMap { $0.isEmpty ? nil : redacted(body: $0) }
        if let body = fetched.body, let status = fetched.status, fetched.saved == nil {
            result.apiError = APIErrorInfo.parse(body: body, contentType: result.contentType).map(redacted)
            if !(200..<300).contains(status), fetched.failure == nil {
                let response = HTTPResponse(status: status, headers: fetched.headers, body: body)
                result.error = httpErrorText(response, apiError: result.apiError)
            }
        } else if let status = fetched.status, !(200..<300).contains(status), fetched.failure == nil {
            result.error = httpErrorText(HTTPResponse(status: status, headers: fetched.headers), apiError: nil)
        }
        if let failure = fetched.failure {
            result.error = redacted(failure.text(variant: variant, contentType: result.contentType, apiError: result.apiError, timeout: timeout))
            result.isLocalFailure = failure.isLocal
            result.wasInterrupted = failure.isInterruption
        }
        return result
    }
}
