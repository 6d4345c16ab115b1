/// The body of `POST /batches` (reference §3.1).
public struct CreateBatchRequest: Sendable, Hashable, Codable {
    /// A file uploaded with `purpose=batch`.
    public var inputFileID: String
    /// The endpoint of every request, e.g. `/v1/chat/completions`.
    public var endpoint: String
    /// Only `24h`.
    public var completionWindow: String
    /// Up to 16 pairs; keys ≤ 64 characters, values ≤ 512.
    public var metadata: [String: String]?
    /// Expiry of the output and error files, anchored at each file's creation.
    public var outputExpiresAfter: ExpiresAfter?

    /// Creates a request.
    public init(
        inputFileID: String,
        endpoint: String,
        completionWindow: String = "24h",
        metadata: [String: String]? = nil,
        outputExpiresAfter: ExpiresAfter? = nil
    ) {
        self.inputFileID = inputFileID
        self.endpoint = endpoint
        self.completionWindow = completionWindow
        self.metadata = metadata
        self.outputExpiresAfter = outputExpiresAfter
    }

    enum CodingKeys: String, CodingKey {
        case inputFileID = "input_file_id"
        case endpoint
        case completionWindow = "completion_window"
        case metadata
        case outputExpiresAfter = "output_expires_after"
    }

    /// Decodes; the three required fields must be present (a server answers 400 otherwise).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputFileID = try c.requiredString(.inputFileID)
        endpoint = try c.requiredString(.endpoint)
        completionWindow = try c.requiredString(.completionWindow)
        metadata = c.tolerantStringMap(.metadata)
        outputExpiresAfter = c.contains(.outputExpiresAfter) && (try? c.decodeNil(forKey: .outputExpiresAfter)) == false
            ? try c.decode(ExpiresAfter.self, forKey: .outputExpiresAfter) : nil
    }

    /// Encodes; absent optional fields are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputFileID, forKey: .inputFileID)
        try c.encode(endpoint, forKey: .endpoint)
        try c.encode(completionWindow, forKey: .completionWindow)
        try c.encodeIfPresent(metadata, forKey: .metadata)
        try c.encodeIfPresent(outputExpiresAfter, forKey: .outputExpiresAfter)
    }
}
