/// The limits and endpoints of the OpenAI Batch API that an input file must respect (reference §3.1, §6.1).
public struct BatchLimits: Sendable, Equatable {
    /// The most request lines in one file.
    public var maxRequests: Int
    /// The largest file, in bytes (200 MB).
    public var maxBytes: Int64
    /// The endpoints a batch may target.
    public var endpoints: Set<String>

    /// Creates limits.
    public init(maxRequests: Int = 50_000, maxBytes: Int64 = 200 * 1024 * 1024, endpoints: Set<String> = BatchLimits.supportedEndpoints) {
        self.maxRequests = maxRequests
        self.maxBytes = maxBytes
        self.endpoints = endpoints
    }

    /// The real service's limits.
    public static let openAI = BatchLimits()

    /// Every endpoint the Batch API accepts today.
    public static let supportedEndpoints: Set<String> = [
        "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations",
        "/v1/images/generations", "/v1/images/edits", "/v1/videos",
    ]

    /// Endpoints whose bodies need no `model` (moderation picks a default).
    public static let endpointsWithOptionalModel: Set<String> = ["/v1/moderations"]
}
