import Foundation
import VideoModel

/// Reads a scenario document field by field, refusing unknown fields and bad values with the path of the culprit.
struct ScenarioReader {
    let source: String

    /// Fields of the top-level object.
    static let scenarioFields: Set<String> = ["videos", "quirks", "reject_all_keys", "listing", "blocked_terms"]
    /// Fields of one video.
    static let videoFields: Set<String> = [
        "id", "prompt", "model", "seconds", "size", "outcome", "error", "duration", "quirks", "faults",
        "content_faults",
    ]
    /// Fields every fault takes.
    static let commonFaultFields: Set<String> = ["fault", "count"]
    /// The extra fields each fault takes, by fault name.
    static let faultFields: [String: Set<String>] = [
        "normal": [], "model_not_found": [], "invalid_request": [], "truncated_body": [], "cut_json": [],
        "connection_closed": [], "not_found": [], "unauthorized": [],
        "rate_limited": ["retry_after", "retry_after_ms"],
        "server_error": ["status", "envelope"],
        "html_error": ["status"],
        "slow": ["delay"],
        "redirect": ["status", "location"],
        "bare_error": ["status", "code", "message"],
        "custom": ["status", "body", "content_type", "headers"],
    ]

    func scenario(_ json: JSONValue) throws(ScenarioError) -> Scenario {
        let fields = try object(json, at: "", known: Self.scenarioFields)
        var scenario = Scenario()
        if let value = fields["quirks"] { scenario.quirks = try quirks(value, at: "quirks") }
        if let value = fields["reject_all_keys"] {
            guard case .bool(let flag) = value else { throw invalid("reject_all_keys", "must be true or false") }
            scenario.rejectAllKeys = flag
        }
        if let value = fields["listing"] {
            let names = ListingSupport.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            guard case .string(let name) = value, let listing = ListingSupport(rawValue: name) else {
                throw invalid("listing", "must be one of \(names)")
            }
            scenario.listing = listing
        }
        if let value = fields["blocked_terms"] {
            guard case .array(let items) = value else { throw invalid("blocked_terms", "must be a list of words") }
            for (index, item) in items.enumerated() {
                scenario.blockedTerms.append(try text(item, at: "blocked_terms[\(index)]", nonEmpty: true))
            }
        }
        if let value = fields["videos"] {
            guard case .array(let items) = value else { throw invalid("videos", "must be a list of videos") }
            for (index, item) in items.enumerated() {
                scenario.videos.append(try video(item, at: "videos[\(index)]"))
            }
        }
        return scenario
    }

    private func video(_ json: JSONValue, at path: String) throws(ScenarioError) -> ScriptedVideo {
        let fields = try object(json, at: path, known: Self.videoFields)
        guard let prompt = try fields.text("prompt", nonEmpty: true) else {
            throw invalid(path, "missing field \"prompt\"")
        }
        var video = ScriptedVideo(prompt: prompt)
        video.id = try fields.text("id")
        if let model = try fields.text("model", nonEmpty: true) { video.model = model }
        switch fields["seconds"] {
        case nil: break
        case .string(let text)? where !text.isEmpty: video.seconds = text
        case let value? where value.doubleValue.map({ $0 == $0.rounded() && $0 > 0 && $0 < 1e6 }) ?? false:
            video.seconds = String(Int(value.doubleValue!))
        default: throw invalid(path + ".seconds", "must be a clip length such as \"4\" or 8")
        }
        if let size = try fields.text("size") {
            guard VideoEndpoints.isSize(size) else {
                throw invalid(path + ".size", "must be WIDTHxHEIGHT, such as \"720x1280\"")
            }
            video.size = size
        }
        video.outcome = try outcome(fields, at: path)
        video.durationSeconds = try fields.duration("duration").map { $0 / .seconds(1) }
        if let value = fields["quirks"] { video.quirks = try quirks(value, at: path + ".quirks") }
        if let value = fields["faults"] { (video.faults, video.thereafter) = try faults(value, at: path + ".faults") }
        if let value = fields["content_faults"] {
            (video.contentFaults, video.contentThereafter) = try faults(value, at: path + ".content_faults")
        }
        return video
    }

    private func outcome(_ fields: Fields, at path: String) throws(ScenarioError) -> SimulatedOutcome? {
        switch try fields.text("outcome") {
        case nil, "completed"?:
            if fields["error"] != nil { throw invalid(path + ".error", "is only allowed with \"outcome\": \"failed\"") }
            return fields["outcome"] == nil ? nil : .completed
        case "failed"?:
            guard let value = fields["error"] else {
                return .failed(code: "generation_failed", message: "Video generation failed. Try again, or change the prompt.")
            }
            let error = try object(value, at: path + ".error", known: ["code", "message"])
            return .failed(
                code: try error.text("code", nonEmpty: true) ?? "generation_failed",
                message: try error.text("message") ?? "Video generation failed. Try again, or change the prompt."
            )
        case let other?:
            throw invalid(path + ".outcome", "must be \"completed\" or \"failed\", got \(other.debugDescription)")
        }
    }

    private func faults(_ json: JSONValue, at path: String) throws(ScenarioError) -> ([Fault], Fault?) {
        guard case .array(let items) = json else { throw invalid(path, "must be a list of faults") }
        var faults: [Fault] = []
        var thereafter: Fault?
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if thereafter != nil {
                throw invalid(itemPath, "comes after a fault with \"count\": \"always\", so it would never apply")
            }
            let (fault, count) = try self.fault(item, at: itemPath)
            if let count {
                faults += Array(repeating: fault, count: count)
            } else {
                thereafter = fault
            }
        }
        return (faults, thereafter)
    }

    /// One fault and how many retrieves it applies to (nil: every one from then on).
    private func fault(_ json: JSONValue, at path: String) throws(ScenarioError) -> (Fault, Int?) {
        guard case .object(let raw) = json else {
            throw invalid(path, "must be an object such as {\"fault\": \"not_found\"}")
        }
        guard let nameValue = raw["fault"] else { throw invalid(path, "missing field \"fault\"") }
        let name = try text(nameValue, at: path + ".fault")
        guard let extra = Self.faultFields[name] else {
            let known = Self.faultFields.keys.sorted().joined(separator: ", ")
            throw invalid(path + ".fault", "unknown fault \(name.debugDescription) (known: \(known))")
        }
        let fields = try object(json, at: path, known: Self.commonFaultFields.union(extra))
        var count: Int? = 1
        switch fields["count"] {
        case nil: break
        case .string("always")?: count = nil
        case let value? where value.doubleValue.map({ $0 == $0.rounded() && $0 >= 1 && $0 <= 100_000 }) ?? false:
            count = Int(value.doubleValue!)
        default: throw invalid(path + ".count", "must be a whole number from 1 to 100000, or \"always\"")
        }
        return (try fault(named: name, fields), count)
    }

    private func fault(named name: String, _ fields: Fields) throws(ScenarioError) -> Fault {
        switch name {
        case "normal": return .normal
        case "model_not_found": return .modelNotFound
        case "invalid_request": return .invalidRequest
        case "truncated_body": return .truncatedBody
        case "cut_json": return .cutJSON
        case "connection_closed": return .connectionClosed
        case "not_found": return .notFound
        case "unauthorized": return .unauthorized
        case "rate_limited":
            return .rateLimited(
                retryAfter: try fields.integer("retry_after", in: 0...86_400),
                retryAfterMs: try fields.integer("retry_after_ms", in: 0...86_400_000)
            )
        case "server_error":
            var envelope = Fault.Envelope.openAI
            if let text = try fields.text("envelope") {
                guard let known = Fault.Envelope(rawValue: text) else {
                    let names = Fault.Envelope.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid(fields.path + ".envelope", "must be one of \(names), got \(text.debugDescription)")
                }
                envelope = known
            }
            return .serverError(status: try fields.integer("status", in: 500...599) ?? 500, envelope: envelope)
        case "html_error":
            return .htmlError(status: try fields.integer("status", in: 400...599) ?? 502)
        case "slow":
            return .slow(try fields.duration("delay") ?? .seconds(5))
        case "redirect":
            return .redirect(
                status: try fields.integer("status", in: 300...399) ?? 301,
                location: try fields.text("location", nonEmpty: true)
            )
        case "bare_error":
            return .bareError(
                status: try fields.integer("status", in: 400...599) ?? 403,
                code: fields["code"] == .null ? nil : try fields.text("code"),
                message: try fields.text("message") ?? "user quota is not enough"
            )
        default:  // custom
            guard let status = try fields.integer("status", in: 100...599) else {
                throw invalid(fields.path, "missing field \"status\"")
            }
            var headers: [String: String] = [:]
            if let value = fields["headers"] {
                guard case .object(let pairs) = value else {
                    throw invalid(fields.path + ".headers", "must be an object of header names and text values")
                }
                for (header, value) in pairs { headers[header] = try text(value, at: "\(fields.path).headers.\(header)") }
            }
            return .custom(
                status: status, body: try fields.text("body") ?? "",
                contentType: fields["content_type"] == .null ? nil : try fields.text("content_type") ?? "application/json",
                headers: headers
            )
        }
    }

    private func quirks(_ json: JSONValue, at path: String) throws(ScenarioError) -> Set<Quirk> {
        guard case .array(let items) = json else { throw invalid(path, "must be a list of quirk names") }
        var quirks: Set<Quirk> = []
        for (index, item) in items.enumerated() {
            let name = try text(item, at: "\(path)[\(index)]")
            guard let quirk = Quirk(rawValue: name) else {
                let known = Quirk.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid("\(path)[\(index)]", "unknown quirk \(name.debugDescription) (known: \(known))")
            }
            quirks.insert(quirk)
        }
        return quirks
    }

    // MARK: Values

    /// The members of one JSON object, read with the path of the object for messages.
    struct Fields {
        let members: [String: JSONValue]
        let path: String
        let reader: ScenarioReader

        subscript(_ key: String) -> JSONValue? { members[key] }

        /// A text field; nil when absent.
        func text(_ key: String, nonEmpty: Bool = false) throws(ScenarioError) -> String? {
            guard let value = members[key] else { return nil }
            return try reader.text(value, at: "\(path).\(key)", nonEmpty: nonEmpty)
        }

        /// A whole-number field within `range`; nil when absent.
        func integer(_ key: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int? {
            guard let value = members[key] else { return nil }
            return try reader.integer(value, at: "\(path).\(key)", in: range)
        }

        /// A duration field; nil when absent.
        func duration(_ key: String) throws(ScenarioError) -> Duration? {
            guard let value = members[key] else { return nil }
            return try reader.duration(value, at: "\(path).\(key)")
        }
    }

    private func object(_ json: JSONValue, at path: String, known: Set<String>) throws(ScenarioError) -> Fields {
        guard case .object(let members) = json else { throw invalid(path, "must be a JSON object") }
        if let unknown = members.keys.filter({ !known.contains($0) }).sorted().first {
            let names = known.sorted().joined(separator: ", ")
            throw invalid(path, "unknown field \(unknown.debugDescription) (known: \(names))")
        }
        return Fields(members: members, path: path, reader: self)
    }

    private func text(_ json: JSONValue, at path: String, nonEmpty: Bool = false) throws(ScenarioError) -> String {
        guard case .string(let value) = json else { throw invalid(path, "must be a string, got \(json.typeDescription)") }
        if nonEmpty && value.isEmpty { throw invalid(path, "must not be empty") }
        return value
    }

    private func integer(_ json: JSONValue, at path: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard let number = json.doubleValue, number == number.rounded(), number >= Double(range.lowerBound),
            number <= Double(range.upperBound)
        else {
            let bounds = "from \(range.lowerBound) to \(range.upperBound)"
            throw invalid(path, "must be a whole number \(bounds), got \(Self.shown(json))")
        }
        return Int(number)
    }

    /// A duration: a number of seconds, or text such as `500ms`, `5s`, `2m`.
    private func duration(_ json: JSONValue, at path: String) throws(ScenarioError) -> Duration {
        if let seconds = json.doubleValue, seconds.isFinite && seconds >= 0 && seconds < 1e9 {
            return .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
        switch json {
        case .string(let text):
            if let duration = SimulatorConfiguration.parseLatency(text) { return duration }
        default: break
        }
        throw invalid(path, "must be a duration such as 5, \"500ms\", \"5s\" or \"2m\", got \(Self.shown(json))")
    }

    private func invalid(_ location: String, _ problem: String) -> ScenarioError {
        .invalid(source: source, location: location, problem: problem)
    }

    private static func shown(_ json: JSONValue) -> String {
        switch json {
        case .string(let text): text.debugDescription
        case .number(let literal): JSONValue.canonicalNumberText(literal)
        case .bool(let flag): String(flag)
        default: json.typeDescription
        }
    }

    /// A decoding error in a few words.
    static func reason(of error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return oneLine(underlying ?? context.debugDescription)
        }
        return oneLine("\(error)")
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
