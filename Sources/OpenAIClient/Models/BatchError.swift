/// One entry of a batch's `errors.data`: why validation (or a batch-level limit) failed.
public struct BatchError: Sendable, Hashable, Codable {
    /// An error code, e.g. `invalid_json_line` or `token_limit_exceeded`.
    public var code: String
    /// A human-readable message.
    public var message: String
    /// The parameter concerned, if any.
    public var param: String?
    /// The 1-based line of the input file, if the error concerns one.
    public var line: Int?

    /// Creates an error entry.
    public init(code: String, message: String, param: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.param = param
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case code, message, param, line
    }

    /// Decodes tolerantly: every field is optional in the spec; absent text reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = c.tolerantString(.code) ?? ""
        message = c.tolerantString(.message) ?? ""
        param = c.tolerantString(.param)
        line = c.tolerantInt(.line)
    }

    /// Encodes all four keys, `null` included, as the live API does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encode(param, forKey: .param)
        try c.encode(line, forKey: .line)
    }
}
