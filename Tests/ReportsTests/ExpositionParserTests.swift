import Testing
import TestSupport

/// The strict exposition-format reader the metrics tests rely on must itself accept good text and refuse bad text.
@Suite("exposition format parser")
struct ExpositionParserTests {
    static let good = """
        # HELP http_requests_total The total number of HTTP requests.\\nSecond line, a backslash \\\\.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027
        http_requests_total{method="post",code="400"} 3 1395066363000
        # A plain comment is allowed.

        # TYPE temperature gauge
        temperature{path="C:\\\\DIR\\\\",quote="say \\"hi\\"",lines="a\\nb"} -3.5e-2
        temperature{path="x",} +Inf
        temperature NaN
        # HELP up Whether it is up.
        # TYPE up untyped
        up -Inf
        # TYPE latency histogram
        latency_bucket{le="0.5"} 1
        latency_bucket{le="+Inf"} 2
        latency_sum .75
        latency_count 2

        """

    @Test("accepts the format's own examples: escapes, labels, timestamps, NaN and infinities, histograms, comments")
    func acceptsGoodText() throws {
        let exposition = try Exposition.parse(Self.good)
        #expect(exposition.families.map(\.name) == ["http_requests_total", "temperature", "up", "latency"])
        #expect(exposition.family("http_requests_total")?.help == "The total number of HTTP requests.\nSecond line, a backslash \\.")
        #expect(exposition.family("http_requests_total")?.type == "counter")
        #expect(exposition.value("http_requests_total", ["method": "post", "code": "400"]) == 3)
        #expect(exposition.samples("http_requests_total")[1].timestamp == 1_395_066_363_000)
        #expect(exposition.value("temperature", ["path": "C:\\DIR\\", "quote": "say \"hi\"", "lines": "a\nb"]) == -0.035)
        #expect(exposition.value("temperature", ["path": "x"]) == .infinity)
        #expect(exposition.value("temperature")?.isNaN == true)
        #expect(exposition.value("up") == -.infinity)
        #expect(exposition.family("latency")?.samples.count == 4)
        #expect(try Exposition.parse("").families.isEmpty)
    }

    @Test("refuses text the format does not allow", arguments: [
        ("no final line feed", "a 1"),
        ("a bad metric name", "1a 1\n"),
        ("a dash in a metric name", "a-b 1\n"),
        ("a bad label name", "a{1x=\"v\"} 1\n"),
        ("a reserved label name", "a{__name__=\"v\"} 1\n"),
        ("an unquoted label value", "a{x=v} 1\n"),
        ("an unclosed label value", "a{x=\"v} 1\n"),
        ("an unknown escape in a label value", "a{x=\"\\t\"} 1\n"),
        ("an unknown escape in a help text", "# HELP a tab\\there\n"),
        ("a label named twice", "a{x=\"1\",x=\"2\"} 1\n"),
        ("a missing comma between labels", "a{x=\"1\" y=\"2\"} 1\n"),
        ("a value that is not a float", "a 1,5\n"),
        ("a hexadecimal value", "a 0x10\n"),
        ("a value spelled inf", "a inf\n"),
        ("no value", "a\n"),
        ("a timestamp that is not an integer", "a 1 1.5\n"),
        ("a third field", "a 1 2 3\n"),
        ("an unknown type", "# TYPE a meter\na 1\n"),
        ("TYPE after the samples", "a 1\n# TYPE a gauge\n"),
        ("HELP after the samples", "a 1\n# HELP a late\n"),
        ("a second TYPE", "# TYPE a gauge\n# TYPE a gauge\na 1\n"),
        ("a second HELP", "# HELP a one\n# HELP a two\na 1\n"),
        ("the same series twice", "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n"),
        ("a metric split in two groups", "a 1\nb 1\na{x=\"1\"} 2\n"),
        ("CRLF line ends", "a 1\r\n"),
    ])
    func refusesBadText(_ example: (String, String)) {
        #expect(throws: Exposition.ParseError.self, "\(example.0)") { try Exposition.parse(example.1) }
    }
}
