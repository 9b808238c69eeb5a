import Foundation
import Reports
import Testing

@Suite("Output formats")
struct OutputFormatTests {
    /// Prompts that break naive CSV writers or readers.
    static let trickyPrompts = [
        "plain", "with, comma", "with \"quotes\"", "\"starts with a quote", "line\nbreak", "crlf\r\nline", "lone\rcr",
        "=SUM(A1:A3)", "+cmd", "@at", "-minus", "emoji 🎬🦊 and ZWJ 👩‍👩‍👧", "東京の夜景", "tab\tinside", "  spaces  ", "",
        "trailing comma,", ",", "\"", "\"\"", "back\\slash", "\u{7F} del and \u{1B}[31m escape", "ends with newline\n",
    ]

    @Test("CSV of tricky text parses back byte for byte with an independent RFC 4180 reader")
    func csvRoundTrip() throws {
        let sink = OutputSink.memory()
        let writer = try CSVWriter(columns: ["n", "prompt"], sink: sink)
        for (index, prompt) in Self.trickyPrompts.enumerated() { try writer.write([.integer(Int64(index)), .text(prompt)]) }
        try writer.finish()
        let records = try #require(RFC4180.parse(sink.text))
        #expect(records.count == Self.trickyPrompts.count + 1)
        #expect(records[0] == ["n", "prompt"])
        for (index, prompt) in Self.trickyPrompts.enumerated() {
            #expect(records[index + 1] == [String(index), prompt])
            #expect(Array(records[index + 1][1].utf8) == Array(prompt.utf8))
        }
    }

    @Test("CSV quotes only when needed, ends lines with CRLF, writes null as an empty field and empty text as \"\"")
    func csvShape() throws {
        let sink = OutputSink.memory()
        let writer = try CSVWriter(columns: ["a", "b", "c", "d"], sink: sink)
        try writer.write([.text("x"), .null, .text(""), .text("=1,2")])
        try writer.finish()
        #expect(sink.text == "a,b,c,d\r\nx,,\"\",\"=1,2\"\r\n")
    }

    @Test("--no-header leaves out the header row")
    func noHeader() throws {
        let sink = OutputSink.memory()
        let writer = try makeRowWriter(.csv, columns: ["a"], sink: sink, style: OutputStyle(header: false))
        try writer.write([.integer(1)])
        try writer.finish()
        #expect(sink.text == "1\r\n")
    }

    @Test("JSON keeps numbers as numbers and null as null, and every string parses back")
    func jsonValues() throws {
        let sink = OutputSink.memory()
        let writer = JSONWriter(columns: ["prompt", "n", "rate", "seconds", "at", "at_ms", "missing"], sink: sink, lines: false)
        for prompt in Self.trickyPrompts {
            try writer.write([
                .text(prompt), .integer(-42), .fraction(1.0 / 3), .duration(68), .timestamp(1_795_046_400),
                .timestampMilliseconds(1_795_046_400_007), .null,
            ])
        }
        try writer.finish()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(sink.text.utf8)) as? [[String: Any]])
        #expect(parsed.count == Self.trickyPrompts.count)
        for (object, prompt) in zip(parsed, Self.trickyPrompts) {
            #expect(object["prompt"] as? String == prompt)
            #expect(object["n"] as? Int == -42)
            #expect(object["rate"] as? Double == 0.3333)
            #expect(object["seconds"] as? Int == 68)
            #expect(object["at"] as? String == "2026-11-19T00:00:00Z")
            #expect(object["at_ms"] as? String == "2026-11-19T00:00:00.007Z")
            #expect(object["missing"] is NSNull)
        }
        #expect(sink.text.hasPrefix("[\n{\"prompt\":\"plain\",\"n\":-42,\"rate\":0.3333,\"seconds\":68,"))
    }

    @Test("NDJSON is one object per line; an empty JSON array is []")
    func ndjson() throws {
        let lines = OutputSink.memory()
        let writer = JSONWriter(columns: ["a", "b"], sink: lines, lines: true)
        try writer.write([.text("x\ny"), .decimal(.nan)])
        try writer.write([.text("z"), .decimal(2.5)])
        try writer.finish()
        #expect(lines.text == "{\"a\":\"x\\ny\",\"b\":null}\n{\"a\":\"z\",\"b\":2.5}\n")
        let empty = OutputSink.memory()
        try JSONWriter(columns: ["a"], sink: empty, lines: false).finish()
        #expect(empty.text == "[]\n")
    }

    @Test("ISO 8601 timestamps match the C library's gmtime for every kind of date")
    func timestamps() {
        var values: [Int64] = [0, -1, 59, 86399, 86400, 951_782_400, 951_868_799, 1_795_046_400, 4_102_444_800, -86401, 253_402_300_799]
        var state: UInt64 = 7
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int64(state >> 34) - 2_000_000_000)  // about 1906 to 2150
        }
        for seconds in values {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            #expect(TimeFormat.iso8601(seconds: seconds) == expected)
        }
        #expect(TimeFormat.iso8601(milliseconds: 1_795_046_400_123) == "2026-11-19T00:00:00.123Z")
        #expect(TimeFormat.iso8601(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test("numbers: seconds up to 3 decimals, rates up to 4, no trailing zeros")
    func numbers() throws {
        let sink = OutputSink.memory()
        let writer = try CSVWriter(columns: ["a", "b", "c", "d", "e", "f"], sink: sink, header: false)
        try writer.write([.decimal(580.8), .duration(503.99999999999994), .fraction(2.0 / 3), .fraction(0.5), .decimal(-0.0001), .integer(Int64.min)])
        try writer.finish()
        #expect(sink.text == "580.8,504,0.6667,0.5,0,-9223372036854775808\r\n")
    }

    @Test("human durations for tables", arguments: [
        (0.0, "0s"), (45, "45s"), (68, "1m08s"), (2.5, "2.5s"), (3600, "1h00m"), (7500, "2h05m"), (273_600, "3d04h"), (-300, "-5m00s"),
    ])
    func human(seconds: Double, text: String) {
        #expect(TimeFormat.human(seconds: seconds) == text)
    }

    @Test("tables align numbers right, show durations and rates for people, flatten control characters, and fit a width")
    func table() throws {
        let sink = OutputSink.memory()
        let writer = TableWriter(columns: ["group", "count", "mean_s", "rate"], sink: sink, style: OutputStyle(width: 40))
        try writer.write([.text("sora-2\nx\u{1B}[31m"), .integer(12), .duration(68), .fraction(0.125)])
        try writer.write([.text("a very long group name that will not fit"), .integer(3), .null, .null])
        try writer.finish()
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("group"))
        #expect(lines[0].hasSuffix("count  mean_s   rate"))
        #expect(lines[1].contains("sora-2 x [31m"))
        #expect(lines[1].hasSuffix("12   1m08s  12.5%"))
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines[2].contains("…"))
        #expect(!sink.text.contains("\u{1B}"))
    }

    @Test("colour only when asked (a terminal without NO_COLOR)")
    func colour() throws {
        let plain = OutputSink.memory()
        try TableWriter(columns: ["a"], sink: plain, style: OutputStyle(colour: false)).finish()
        #expect(plain.text == "a\n")
        let coloured = OutputSink.memory()
        try TableWriter(columns: ["a"], sink: coloured, style: OutputStyle(colour: true)).finish()
        #expect(coloured.text == "\u{1B}[1ma\u{1B}[0m\n")
    }
}
