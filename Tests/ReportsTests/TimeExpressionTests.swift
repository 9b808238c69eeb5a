import Foundation
import JobStore
import Reports
import Testing

@Suite("Time arguments")
struct TimeExpressionTests {
    let now = Date(timeIntervalSince1970: 1_795_046_400)  // 2026-11-19T00:00:00Z

    @Test("ISO 8601 dates and date-times; no zone means UTC")
    func iso8601() throws {
        #expect(try TimeExpression(parsing: "2026-11-19").date(now: now) == now)
        #expect(try TimeExpression(parsing: "2026-11-19T00:00:00Z").date(now: now) == now)
        #expect(try TimeExpression(parsing: "2026-11-19T00:00:00").date(now: now) == now)
        #expect(try TimeExpression(parsing: "2026-11-19 01:30").date(now: now) == now.addingTimeInterval(5400))
        #expect(try TimeExpression(parsing: "2026-11-19T02:00:00+02:00").date(now: now) == now)
        #expect(try TimeExpression(parsing: "2026-11-19T00:00:00.250Z").date(now: now) == now.addingTimeInterval(0.25))
    }

    @Test("unix seconds, whole or fractional")
    func unixSeconds() throws {
        #expect(try TimeExpression(parsing: "1795046400").date(now: .distantPast) == now)
        #expect(try TimeExpression(parsing: "1795046400.5").date(now: .distantPast) == now.addingTimeInterval(0.5))
    }

    @Test("ages count back from now", arguments: [("45s", 45.0), ("30m", 1800), ("24h", 86400), ("7d", 604_800), ("2w", 1_209_600), ("1.5h", 5400)])
    func ages(text: String, seconds: Double) throws {
        #expect(try TimeExpression(parsing: text).date(now: now) == now.addingTimeInterval(-seconds))
    }

    @Test("malformed values are refused with examples of every accepted form", arguments: ["yesterday", "", "7 days", "-3h", "2026-13-45", "12x", "1.2.3", "h"])
    func malformed(text: String) {
        #expect(throws: TimeExpressionError.self) { try TimeExpression(parsing: text) }
        let message = TimeExpressionError(text: text).description
        for example in ["2026-11-28", "2026-11-28T23:51:51Z", "1764373911", "30m", "7d"] {
            #expect(message.contains(example))
        }
    }

    @Test("a window from dates includes since and excludes until, on whole seconds")
    func windowRounding() {
        // created_at is whole seconds: created_at ≥ 100.5 means ≥ 101; created_at < 200.5 means < 201.
        let fractional = CreatedWindow(since: Date(timeIntervalSince1970: 100.5), until: Date(timeIntervalSince1970: 200.5))
        #expect(fractional == CreatedWindow(since: 101, until: 201))
        let whole = CreatedWindow(since: Date(timeIntervalSince1970: 100), until: Date(timeIntervalSince1970: 200))
        #expect(whole == CreatedWindow(since: 100, until: 200))
    }
}

