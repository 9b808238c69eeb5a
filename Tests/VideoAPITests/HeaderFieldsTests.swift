import Foundation
import Testing

@testable import VideoAPI

@Suite("Header look-up and byte search")
struct HeaderFieldsTests {
    @Test("header names match ignoring ASCII case only, values are trimmed of spaces and tabs")
    func lookUp() {
        let headers = [("X-Request-ID", " req_1\t"), ("x-request-id", "req_2"), ("Retry-After", "3")]
        #expect(HeaderFields.value("x-request-id", in: headers) == "req_1")
        #expect(HeaderFields.first("RETRY-after", in: headers) == "3")
        #expect(HeaderFields.value("retry-afte", in: headers) == nil)
        #expect(HeaderFields.value("retry-after-ms", in: headers) == nil)
        #expect(!HeaderFields.equalIgnoringASCIICase("a-b", "a_b"))
        #expect(!HeaderFields.equalIgnoringASCIICase("K", "\u{212A}"))  // KELVIN SIGN is not ASCII K
        #expect(HeaderFields.value("x", in: [("X", "   ")]) == "")
        #expect(HTTPResponse(status: 200, headers: [("Content-Type", "application/json")]).header("content-TYPE") == "application/json")
    }

    @Test("the request id is the upstream's behind a gateway, else the API's, else the gateway's call id")
    func requestID() {
        #expect(HeaderFields.requestID(in: [("x-request-id", "req_1")]) == "req_1")
        #expect(HeaderFields.requestID(in: [("x-litellm-call-id", "call_1"), ("llm_provider-x-request-id", "req_up")]) == "req_up")
        #expect(HeaderFields.requestID(in: [("x-litellm-call-id", "call_1")]) == "call_1")
        #expect(HeaderFields.requestID(in: [("x-request-id", ""), ("x-litellm-call-id", "call_2")]) == "call_2")
        #expect(HeaderFields.requestID(in: []) == nil)
    }

    @Test("the key search finds the key anywhere, including at the very start and end, and nothing else")
    func keySearch() {
        let key = Data("sk-secret".utf8)
        #expect(VideoAPIClient.contains(key, in: Data("sk-secret".utf8)))
        #expect(VideoAPIClient.contains(key, in: Data("{\"k\":\"sk-secret\"}".utf8)))
        #expect(VideoAPIClient.contains(key, in: Data("xx sk-secret".utf8)))
        #expect(!VideoAPIClient.contains(key, in: Data("sk-secre".utf8)))
        #expect(!VideoAPIClient.contains(key, in: Data("sk-sk-secrex sk-secreT".utf8)))
        #expect(!VideoAPIClient.contains(key, in: Data()))
        #expect(VideoAPIClient.contains(key, in: Data("sk-sk-secret".utf8)))
    }
}
