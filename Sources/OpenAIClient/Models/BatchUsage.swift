/// Token usage of a batch (reference §4; batches created after 2025-09-07).
public struct BatchUsage: Sendable, Hashable, Codable {
    /// Breakdown of the input tokens.
    public struct InputTokensDetails: Sendable, Hashable, Codable {
        /// Tokens served from the prompt cache.
        public var cachedTokens: Int

        /// Creates the breakdown.
        public init(cachedTokens: Int = 0) { self.cachedTokens = cachedTokens }

        enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens"
        }

        /// Decodes tolerantly: missing reads as 0.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            cachedTokens = c.tolerantInt(.cachedTokens) ?? 0
        }
    }

    /// Breakdown of the output tokens.
    public struct OutputTokensDetails: Sendable, Hashable, Codable {
        /// Tokens spent on reasoning.
        public var reasoningTokens: Int

        /// Creates the breakdown.
        public init(reasoningTokens: Int = 0) { self.reasoningTokens = reasoningTokens }

        enum CodingKeys: String, CodingKey {
            case reasoningTokens = "reasoning_tokens"
        }

        /// Decodes tolerantly: missing reads as 0.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            reasoningTokens = c.tolerantInt(.reasoningTokens) ?? 0
        }
    }

    /// Input tokens.
    public var inputTokens: Int
    /// Breakdown of the input tokens.
    public var inputTokensDetails: InputTokensDetails
    /// Output tokens.
    public var outputTokens: Int
    /// Breakdown of the output tokens.
    public var outputTokensDetails: OutputTokensDetails
    /// Input plus output tokens.
    public var totalTokens: Int

    /// Creates usage figures; `totalTokens` defaults to input + output.
    public init(
        inputTokens: Int = 0,
        cachedTokens: Int = 0,
        outputTokens: Int = 0,
        reasoningTokens: Int = 0,
        totalTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.inputTokensDetails = InputTokensDetails(cachedTokens: cachedTokens)
        self.outputTokens = outputTokens
        self.outputTokensDetails = OutputTokensDetails(reasoningTokens: reasoningTokens)
        self.totalTokens = totalTokens ?? inputTokens + outputTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case inputTokensDetails = "input_tokens_details"
        case outputTokens = "output_tokens"
        case outputTokensDetails = "output_tokens_details"
        case totalTokens = "total_tokens"
    }

    /// Decodes tolerantly: missing figures read as 0, a missing total as input + output.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = c.tolerantInt(.inputTokens) ?? 0
        inputTokensDetails = c.tolerant(InputTokensDetails.self, .inputTokensDetails) ?? InputTokensDetails()
        outputTokens = c.tolerantInt(.outputTokens) ?? 0
        outputTokensDetails = c.tolerant(OutputTokensDetails.self, .outputTokensDetails) ?? OutputTokensDetails()
        totalTokens = c.tolerantInt(.totalTokens) ?? inputTokens + outputTokens
    }

    /// The sum of two usages, field by field.
    public static func + (lhs: BatchUsage, rhs: BatchUsage) -> BatchUsage {
        BatchUsage(
            inputTokens: lhs.inputTokens + rhs.inputTokens,
            cachedTokens: lhs.inputTokensDetails.cachedTokens + rhs.inputTokensDetails.cachedTokens,
            outputTokens: lhs.outputTokens + rhs.outputTokens,
            reasoningTokens: lhs.outputTokensDetails.reasoningTokens + rhs.outputTokensDetails.reasoningTokens,
            totalTokens: lhs.totalTokens + rhs.totalTokens
        )
    }
}
