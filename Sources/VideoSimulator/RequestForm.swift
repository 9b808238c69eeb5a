import Foundation
import VideoModel

/// The fields of a create or remix request body, read alike from JSON and from `multipart/form-data`.
struct RequestForm: Sendable {
    /// Field values by name; multipart text parts become strings.
    var fields: [String: JSONValue]
    /// Names of the file parts of a multipart body (accepted and ignored).
    var fileNames: [String]

    /// Reads the body of `request`, or throws the 400 the real API answers for an unreadable one.
    init(_ request: SimulatorRequest) throws(ErrorEnvelope) {
        let contentType = request.header("content-type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        if mediaType == "multipart/form-data" {
            guard let form = MultipartForm(body: request.body, contentType: contentType) else {
                throw .badRequest("Could not parse the multipart/form-data body of your request.")
            }
            var fields: [String: JSONValue] = [:]
            var fileNames: [String] = []
            for part in form.parts {
                if part.filename != nil {
                    fileNames.append(part.name)
                } else if fields[part.name] == nil {
                    fields[part.name] = .string(part.text)
                }
            }
            self.fields = fields
            self.fileNames = fileNames
            return
        }
        if mediaType == "application/json" || mediaType.isEmpty {
            fileNames = []
            if request.body.isEmpty, mediaType.isEmpty {
                fields = [:]
                return
            }
            guard case .object(let fields)? = try? JSONValue.parse(Data(request.body)) else {
                throw .badRequest(
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                        + "your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON.)"
                )
            }
            self.fields = fields
            return
        }
        throw .badRequest(
            "Unsupported content type: '\(mediaType)'. This API method only accepts 'application/json' "
                + "and 'multipart/form-data' requests."
        )
    }

    /// The required string `prompt`, 1–32000 characters, or the 400 the real API answers.
    func prompt() throws(ErrorEnvelope) -> String {
        guard let value = fields["prompt"] else {
            throw .badRequest(
                "Missing required parameter: 'prompt'.", param: "prompt", code: "missing_required_parameter"
            )
        }
        guard case .string(let prompt) = value else {
            throw invalidType("prompt", expected: "a string", got: value)
        }
        if prompt.isEmpty {
            throw .badRequest(
                "Invalid 'prompt': string too short. Expected a string with minimum length 1, "
                    + "but got an empty string instead.",
                param: "prompt", code: "string_below_min_length"
            )
        }
        if prompt.count > 32000 {
            throw .badRequest(
                "Invalid 'prompt': string too long. Expected a string with maximum length 32000, "
                    + "but got a string with length \(prompt.count) instead.",
                param: "prompt", code: "string_above_max_length"
            )
        }
        return prompt
    }

    /// The optional string field `name` (`fallback` when absent or null), checked by `isValid`.
    func string(
        _ name: String,
        default fallback: String,
        expected: String,
        isValid: (String) -> Bool
    ) throws(ErrorEnvelope) -> String {
        switch fields[name] {
        case nil, .null?:
            return fallback
        case .string(let value)?:
            guard isValid(value) else {
                throw .badRequest(
                    "Invalid value: '\(value)'. Expected \(expected).", param: name, code: "invalid_value"
                )
            }
            return value
        case let value?:
            throw invalidType(name, expected: expected, got: value)
        }
    }

    private func invalidType(_ name: String, expected: String, got value: JSONValue) -> ErrorEnvelope {
        .badRequest(
            "Invalid type for '\(name)': expected \(expected), but got \(value.typeDescription) instead.",
            param: name, code: "invalid_type"
        )
    }
}

extension JSONValue {
    /// How the real API names a value's type in its messages ("a string", "an integer", ...).
    var typeDescription: String {
        switch self {
        case .string: "a string"
        case .number(let literal): Double(literal).map { $0.rounded() == $0 } ?? false ? "an integer" : "a decimal"
        case .bool: "a boolean"
        case .object: "an object"
        case .array: "an array"
        case .null: "null"
        }
    }
}
