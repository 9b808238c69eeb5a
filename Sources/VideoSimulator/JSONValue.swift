/// Any JSON value, decoded loosely so that request validation can name the type it got.
enum JSONValue: Sendable, Hashable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: JSONValue])
    case array([JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    /// How the real API names a value's type in its messages ("a string", "an integer", ...).
    var typeDescription: String {
        switch self {
        case .string: "a string"
        case .number(let value): value.rounded() == value ? "an integer" : "a decimal"
        case .bool: "a boolean"
        case .object: "an object"
        case .array: "an array"
        case .null: "null"
        }
    }
}
