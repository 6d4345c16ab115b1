/// An expiration policy: `{"anchor": "created_at", "seconds": 3600...2592000}` (reference §2.1, §3.1).
public struct ExpiresAfter: Sendable, Hashable, Codable {
    /// What the expiry counts from; only `created_at` exists.
    public var anchor: String
    /// Seconds after the anchor, 3600 (1 h) to 2,592,000 (30 d).
    public var seconds: Int

    /// Creates a policy.
    public init(seconds: Int, anchor: String = "created_at") {
        self.anchor = anchor
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case anchor, seconds
    }

    /// Decodes tolerantly: a missing anchor reads as `created_at`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        anchor = c.tolerantString(.anchor) ?? "created_at"
        seconds = try c.requiredInt(.seconds)
    }
}
