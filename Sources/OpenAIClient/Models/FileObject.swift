/// The File object (reference §2.2).
public struct FileObject: Sendable, Hashable, Codable, Identifiable {
    /// The file id, e.g. `file-abc123`.
    public var id: String
    /// Always `file`.
    public var object: String
    /// Size of the content in bytes.
    public var bytes: Int
    /// Creation time, Unix seconds.
    public var createdAt: Int
    /// The uploaded name, or a server-chosen one for result files.
    public var filename: String
    /// `batch` for batch input, `batch_output` for result files, and others.
    public var purpose: String
    /// Deprecated: `uploaded`, `processed` or `error`.
    public var status: String?
    /// Deprecated: details of a processing error.
    public var statusDetails: String?
    /// When the file expires, Unix seconds.
    public var expiresAt: Int?

    /// Creates a file object.
    public init(
        id: String,
        object: String = "file",
        bytes: Int,
        createdAt: Int,
        filename: String,
        purpose: String,
        status: String? = "processed",
        statusDetails: String? = nil,
        expiresAt: Int? = nil
    ) {
        self.id = id
        self.object = object
        self.bytes = bytes
        self.createdAt = createdAt
        self.filename = filename
        self.purpose = purpose
        self.status = status
        self.statusDetails = statusDetails
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, object, bytes
        case createdAt = "created_at"
        case filename, purpose, status
        case statusDetails = "status_details"
        case expiresAt = "expires_at"
    }

    /// Decodes tolerantly: only `id` is indispensable.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.requiredString(.id)
        object = c.tolerantString(.object) ?? "file"
        bytes = c.tolerantInt(.bytes) ?? 0
        createdAt = c.tolerantInt(.createdAt) ?? 0
        filename = c.tolerantString(.filename) ?? ""
        purpose = c.tolerantString(.purpose) ?? ""
        status = c.tolerantString(.status)
        statusDetails = c.tolerantString(.statusDetails)
        expiresAt = c.tolerantInt(.expiresAt)
    }

    /// Encodes every key, `null` for unset fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(object, forKey: .object)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(filename, forKey: .filename)
        try c.encode(purpose, forKey: .purpose)
        try c.encode(status, forKey: .status)
        try c.encode(statusDetails, forKey: .statusDetails)
        try c.encode(expiresAt, forKey: .expiresAt)
    }
}
