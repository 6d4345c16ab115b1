import Foundation

/// An RFC 9457 problem document: the body of every error response.
public struct ProblemDetails: Sendable {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    public var type: String
    /// A short summary of the problem type.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What went wrong this time, for a person.
    public var detail: String?
    /// Further members (`errors` with line numbers, `allowed` methods …), as JSON-encodable values.
    public var extensions: [String: any Encodable & Sendable]

    /// Creates a problem; the title defaults to the status's reason phrase.
    public init(
        status: HTTPStatus,
        detail: String? = nil,
        type: String = "about:blank",
        title: String? = nil,
        extensions: [String: any Encodable & Sendable] = [:]
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.extensions = extensions
    }

    /// The status as an `HTTPStatus`.
    public var httpStatus: HTTPStatus { HTTPStatus(code: status) }

    /// The JSON document, members in a stable order.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(Document(problem: self)) {
            return Array(data)
        }
        // An extension that fails to encode must not turn an error into a crash: fall back to the core members.
        var plain = self
        plain.extensions = [:]
        return (try? Array(encoder.encode(Document(problem: plain)))) ?? Array("{\"status\":\(status)}".utf8)
    }

    private struct Document: Encodable {
        let problem: ProblemDetails

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(problem.type, forKey: Key("type"))
            try container.encode(problem.title, forKey: Key("title"))
            try container.encode(problem.status, forKey: Key("status"))
            try container.encodeIfPresent(problem.detail, forKey: Key("detail"))
            for (name, value) in problem.extensions where !["type", "title", "status", "detail"].contains(name) {
                try container.encode(value, forKey: Key(name))
            }
        }
    }
}
