import Foundation

/// One field of a create or remix request body as the simulator read it (a multipart part, or a JSON member), so
/// tests can check what a client sent.
public struct LoggedFormPart: Sendable, Hashable {
    /// The field name.
    public var name: String
    /// The file name of a multipart file part; nil for a text field.
    public var filename: String?
    /// The part's own `Content-Type`, when it had one.
    public var contentType: String?
    /// The bytes of the part (a JSON string member as UTF-8; other JSON values as their JSON text).
    public var data: Data

    /// The bytes as UTF-8 text (lossy).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// The fields of a create or remix body sent with `contentType`; nil when it is neither multipart nor a JSON object.
    static func parts(body: [UInt8], contentType: String?) -> [LoggedFormPart]? {
        let contentType = contentType ?? ""
        if let form = MultipartForm(body: body, contentType: contentType) {
            return form.parts.map {
                LoggedFormPart(name: $0.name, filename: $0.filename, contentType: $0.contentType, data: Data($0.data))
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) as? [String: Any] else {
            return nil
        }
        return object.keys.sorted().map { name in
            let value = object[name]
            let data: Data
            if let text = value as? String {
                data = Data(text.utf8)
            } else {
                data = (try? JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.fragmentsAllowed])) ?? Data()
            }
            return LoggedFormPart(name: name, data: data)
        }
    }
}
