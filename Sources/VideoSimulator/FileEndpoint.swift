/// `GET /files/TOKEN.mp4?sig=HEX`: a signed file link, as a storage host serves it (no auth, errors in its XML).
enum FileEndpoint {
    /// The answer to a signed link named `name`, at virtual time `now`; the stored id of its video when the name is
    /// known.
    ///
    /// The bytes are those of the video's content (`video/mp4`, exact length). A wrong or missing `sig` is a 403
    /// `SignatureDoesNotMatch`, a link whose video's assets expired a 403 `AccessDenied` (`Request has expired`), an
    /// unknown name or a video deleted or not completed a 404 `NoSuchKey`.
    static func respond(
        name: String, request: SimulatorRequest, state: SimulatorState, now: Double, seed: UInt64
    ) -> (response: SimulatorResponse, videoID: String?) {
        guard name.hasSuffix(".mp4"), let id = state.fileTokens[String(name.dropLast(4))] else {
            return (error(404, "NoSuchKey", "The specified key does not exist."), nil)
        }
        let token = String(name.dropLast(4))
        guard request.queryItems["sig"] == FileLinks.signature(seed: seed, token: token) else {
            let message = "The request signature we calculated does not match the signature you provided."
            return (error(403, "SignatureDoesNotMatch", message, videoID: id), id)
        }
        guard let job = state.liveJob(id), job.video(at: now).status == "completed" else {
            return (error(404, "NoSuchKey", "The specified key does not exist.", videoID: id), id)
        }
        if job.assetsExpired(at: now) {
            return (error(403, "AccessDenied", "Request has expired", videoID: id), id)
        }
        let bytes = PseudoContent.bytes(seed: seed, videoID: id, variant: "video")
        return (SimulatorResponse(status: 200, headers: [("content-type", "video/mp4")], body: bytes, videoID: id), id)
    }

    /// A storage host's XML error.
    static func error(_ status: Int, _ code: String, _ message: String, videoID: String? = nil) -> SimulatorResponse {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return SimulatorResponse(
            status: status, headers: [("content-type", "application/xml")], body: Array(body.utf8), videoID: videoID
        )
    }
}
