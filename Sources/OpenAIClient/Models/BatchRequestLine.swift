import JSON

/// One line of a batch input file: `{"custom_id", "method", "url", "body"}` (reference §6.1).
public struct BatchRequestLine: Sendable, Hashable, Codable {
    /// Unique within the file; echoed in the results.
    public var customID: String
    /// Only `POST`.
    public var method: String
    /// The endpoint, equal to the batch's, e.g. `/v1/chat/completions`.
    public var url: String
    /// The synchronous endpoint's request body.
    public var body: JSONValue

    /// Creates a line.
    public init(customID: String, method: String = "POST", url: String, body: JSONValue) {
        self.customID = customID
        self.method = method
        self.url = url
        self.body = body
    }

    enum CodingKeys: String, CodingKey {
        case customID = "custom_id"
        case method, url, body
    }

    /// Decodes; `custom_id`, `url` and `body` are required, `method` defaults to `POST`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customID = try c.requiredString(.customID)
        method = c.tolerantString(.method) ?? "POST"
        url = try c.requiredString(.url)
        body = try c.decode(JSONValue.self, forKey: .body)
    }
}
