import Foundation
import Testing
import VideoAPI

@Suite("Parsing error bodies")
struct APIErrorInfoTests {
    private func parse(_ body: String, contentType: String? = "application/json") -> APIErrorInfo? {
        APIErrorInfo.parse(body: Data(body.utf8), contentType: contentType)
    }

    @Test("the OpenAI envelope gives message, type, code and a null param")
    func openAIEnvelope() {
        let info = parse(#"""
            {"error":{"message":"Incorrect API key provided: sk-your-**********-key. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
            """#)
        #expect(info?.code == "invalid_api_key")
        #expect(info?.type == "invalid_request_error")
        #expect(info?.param == nil)
        #expect(info?.message?.hasPrefix("Incorrect API key provided: sk-your-**********-key.") == true)
        #expect(info?.summary.hasPrefix("invalid_api_key: Incorrect API key provided") == true)
    }

    @Test("the CometAPI envelope with an empty param stores param as nil")
    func cometEmptyParam() {
        let info = parse(#"{"error":{"message":"field messages is required (request id: ...)","type":"comet_api_error","param":"","code":"invalid_request"}}"#)
        #expect(info == APIErrorInfo(code: "invalid_request", message: "field messages is required (request id: ...)", type: "comet_api_error"))
        #expect(info?.param == nil)
    }

    @Test("the CometAPI envelope without param parses")
    func cometNoParam() {
        let info = parse(#"""
            {"error":{"code":"model_not_found","message":"no available channel for group default and model sora-2-all (distributor) (request id: 20260205132859798638387SIHCnxzJ)","type":"comet_api_error"}}
            """#)
        #expect(info?.code == "model_not_found")
        #expect(info?.type == "comet_api_error")
        #expect(info?.param == nil)
        #expect(
            info?.summary
                == "model_not_found: no available channel for group default and model sora-2-all (distributor) (request id: 20260205132859798638387SIHCnxzJ)")
    }

    @Test("an empty code is stored as nil and the summary is the message alone")
    func emptyCode() {
        let info = parse(#"{"error":{"code":"","message":"upstream error","type":"comet_api_error"}}"#)
        #expect(info?.code == nil)
        #expect(info?.summary == "upstream error")
    }

    @Test("a bare {code, message} body with a null code parses")
    func bareBody() {
        let info = parse(#"{"code":null,"message":"user quota is not enough"}"#)
        #expect(info == APIErrorInfo(message: "user quota is not enough"))
        #expect(info?.summary == "user quota is not enough")
        #expect(parse(#"{"code":"quota","message":"user quota is not enough"}"#)?.summary == "quota: user quota is not enough")
    }

    @Test("an error given as a bare string becomes the message")
    func stringError() {
        #expect(parse(#"{"error":"Too many requests"}"#) == APIErrorInfo(message: "Too many requests"))
        #expect(parse(#""service unavailable""#) == APIErrorInfo(message: "service unavailable"))
    }

    @Test("a numeric code is kept as text")
    func numericCode() {
        #expect(parse(#"{"error":{"code":429,"message":"slow down"}}"#)?.code == "429")
    }

    @Test("an HTML 502 page is summarised by its title")
    func htmlPage() {
        let page = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body>
            <center><h1>502 Bad Gateway</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>
            """
        let info = parse(page, contentType: "text/html")
        #expect(info == APIErrorInfo(message: "HTML page instead of JSON (title: 502 Bad Gateway)"))
        #expect(parse(page, contentType: nil)?.message == "HTML page instead of JSON (title: 502 Bad Gateway)")
    }

    @Test("an HTML page without a title is summarised by its first text")
    func htmlWithoutTitle() {
        let info = parse("<!DOCTYPE html><html><style>p{}</style><body><h1>Moved</h1><p>See &amp; go</p></body></html>", contentType: "text/html; charset=utf-8")
        #expect(info?.message == "HTML page instead of JSON: Moved See & go")
    }

    @Test("a long HTML title is cut to about 200 characters")
    func longTitle() throws {
        let title = String(repeating: "x", count: 500)
        let message = try #require(parse("<html><title>\(title)</title></html>", contentType: "text/html")?.message)
        #expect(message.count < 260)
        #expect(message.hasSuffix("…)"))
    }

    @Test("plain text keeps its first 200 characters on one line")
    func plainText() throws {
        #expect(parse("upstream connect error\nor disconnect", contentType: "text/plain") == APIErrorInfo(message: "upstream connect error or disconnect"))
        let long = try #require(parse(String(repeating: "a", count: 300), contentType: nil)?.message)
        #expect(long == String(repeating: "a", count: 200) + "…")
    }

    @Test("JSON that carries no error fields is kept as text")
    func unrelatedJSON() {
        #expect(parse(#"{"status":"down"}"#)?.message == #"{"status":"down"}"#)
    }

    @Test("an empty or blank body gives nil")
    func emptyBody() {
        #expect(parse("") == nil)
        #expect(parse("  \r\n") == nil)
        #expect(APIErrorInfo.parse(body: [UInt8](), contentType: nil) == nil)
    }

    @Test("the byte-array form parses like the Data form")
    func bytesForm() {
        #expect(APIErrorInfo.parse(body: Array(#"{"error":{"code":"x","message":"y"}}"#.utf8), contentType: nil) == APIErrorInfo(code: "x", message: "y"))
    }

    @Test("the summary is one line even when the message has newlines")
    func oneLineSummary() {
        #expect(APIErrorInfo(code: "c", message: "line one\n  line two").summary == "c: line one line two")
        #expect(APIErrorInfo(code: "only_code").summary == "only_code")
    }

    @Test("a LiteLLM envelope gives the upstream's own code and message, found inside its message")
    func liteLLMEnvelope() {
        let upstream = #"{\"error\":{\"message\":\"Video 'video_x' not found {really}\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"video_not_found\"}}"#
        let info = parse(
            #"{"error":{"message":"litellm.NotFoundError: NotFoundError: OpenAIException - "# + upstream
                + #"\n\nLiteLLM: model group 'sora-2' failed. Retries: 2","type":null,"param":null,"code":"404"}}"#)
        #expect(info?.code == "video_not_found")
        #expect(info?.message == "Video 'video_x' not found {really}")
        #expect(info?.type == "invalid_request_error")
    }

    @Test("a LiteLLM 503 keeps model_not_found, so the no-retry rule sees it")
    func liteLLMModelNotFound() {
        let info = parse(
            #"{"error":{"message":"litellm.ServiceUnavailableError: ServiceUnavailableError: OpenAIException - {\"error\":{\"code\":\"model_not_found\",\"message\":\"no available channel\"}}","type":null,"param":null,"code":"503"}}"#)
        #expect(info?.code == "model_not_found")
        #expect(RetryPolicy.isRetryable(status: 503, headers: [], error: info) == false)
    }

    @Test("a LiteLLM envelope around a page that is not JSON keeps the gateway's text")
    func liteLLMAroundHTML() {
        let info = parse(#"{"error":{"message":"litellm.InternalServerError: OpenAIException - <html>bad gateway</html>","type":null,"param":null,"code":"502"}}"#)
        #expect(info?.code == nil, "the gateway's code is only the HTTP status")
        #expect(info?.message?.hasPrefix("litellm.InternalServerError") == true)
        let own = parse(#"{"error":{"message":"litellm.BadRequestError: LLM Provider NOT provided.","type":null,"param":null,"code":"400"}}"#)
        #expect(own?.code == nil && own?.summary == "litellm.BadRequestError: LLM Provider NOT provided.")
        let other = parse(#"{"error":{"message":"Bad thing","code":"400"}}"#)
        #expect(other?.code == "400", "only a LiteLLM envelope's numeric code is dropped")
    }
}
