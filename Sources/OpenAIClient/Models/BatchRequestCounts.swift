/// How many of a batch's requests exist, succeeded and failed (reference §4).
public struct BatchRequestCounts: Sendable, Hashable, Codable {
    /// Requests in the input file (0 until validated).
    public var total: Int
    /// Requests that got a 2xx response (lines of the output file).
    public var completed: Int
    /// Requests in the error file.
    public var failed: Int

    /// Creates counts; all zero by default.
    public init(total: Int = 0, completed: Int = 0, failed: Int = 0) {
        self.total = total
        self.completed = completed
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case total, completed, failed
    }

    /// Decodes tolerantly: a missing or odd count reads as 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = c.tolerantInt(.total) ?? 0
        completed = c.tolerantInt(.completed) ?? 0
        failed = c.tolerantInt(.failed) ?? 0
    }
}
