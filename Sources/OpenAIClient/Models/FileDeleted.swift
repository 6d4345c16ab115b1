/// The answer to `DELETE /files/{id}`: `{"id", "object": "file", "deleted": true}`.
public struct FileDeleted: Sendable, Hashable, Codable {
    /// The deleted file's id.
    public var id: String
    /// Always `file`.
    public var object: String
    /// Whether the file was deleted.
    public var deleted: Bool

    /// Creates the answer.
    public init(id: String, object: String = "file", deleted: Bool = true) {
        self.id = id
        self.object = object
        self.deleted = deleted
    }

    enum CodingKeys: String, CodingKey {
        case id, object, deleted
    }

    /// Decodes tolerantly: a missing `deleted` reads as `true` (the call succeeded).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredString(.id)
        object = c.tolerantString(.object) ?? "file"
        deleted = c.tolerantBool(.deleted) ?? true
    }
}
