/// A batch's `errors` object: `{"object": "list", "data": [BatchError]}`.
public struct BatchErrors: Sendable, Hashable, Codable {
    /// Always `list`.
    public var object: String
    /// The errors.
    public var data: [BatchError]

    /// Creates the list.
    public init(data: [BatchError], object: String = "list") {
        self.object = object
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case object, data
    }

    /// Decodes tolerantly: a missing `object` reads as `list`, a missing `data` as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        object = c.tolerantString(.object) ?? "list"
        data = c.tolerant([BatchError].self, .data) ?? []
    }
}
