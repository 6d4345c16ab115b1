/// The inner object of OpenAI's error envelope: `{"message", "type", "param", "code"}` (reference §8).
public struct APIErrorBody: Sendable, Hashable, Codable {
    /// A human-readable message (not contractual).
    public var message: String
    /// e.g. `invalid_request_error`, `rate_limit_error`, `server_error`.
    public var type: String
    /// The parameter concerned, if any.
    public var param: String?
    /// A machine-readable code, if any (some compatible servers send a number: it is kept as text).
    public var code: String?

    /// Creates an error body.
    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    enum CodingKeys: String, CodingKey {
        case message, type, param, code
    }

    /// Decodes tolerantly: missing text reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = c.tolerantString(.message) ?? ""
        type = c.tolerantString(.type) ?? ""
        param = c.tolerantString(.param)
        code = c.tolerantString(.code)
    }

    /// Encodes all four keys, `null` included.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(message, forKey: .message)
        try c.encode(type, forKey: .type)
        try c.encode(param, forKey: .param)
        try c.encode(code, forKey: .code)
    }
}
