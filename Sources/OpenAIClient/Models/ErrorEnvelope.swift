/// OpenAI's error envelope: `{"error": {"message", "type", "param", "code"}}`.
public struct ErrorEnvelope: Sendable, Hashable, Codable {
    /// The error.
    public var error: APIErrorBody

    /// Wraps an error body.
    public init(error: APIErrorBody) { self.error = error }

    /// Creates the envelope from its four fields.
    public init(message: String, type: String, param: String? = nil, code: String? = nil) {
        self.error = APIErrorBody(message: message, type: type, param: param, code: code)
    }

    enum CodingKeys: String, CodingKey {
        case error
    }

    /// Decodes tolerantly: a plain string in `error` (some compatible servers) becomes the message.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let body = c.tolerant(APIErrorBody.self, .error) {
            error = body
        } else if let text = c.tolerantString(.error) {
            error = APIErrorBody(message: text, type: "")
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.error, .init(codingPath: c.codingPath, debugDescription: "no error object")
            )
        }
    }
}
