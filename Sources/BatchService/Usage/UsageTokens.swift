/// The tokens some requests of one model used, as their result lines report them.
///
/// `input` includes `cachedInput`, and `output` includes `reasoning`, the way OpenAI's `usage` counts them
/// (`prompt_tokens` ⊇ `cached_tokens`, `completion_tokens` ⊇ `reasoning_tokens`).
public struct UsageTokens: Sendable, Equatable, Codable {
    /// Result lines that reported usage.
    public var requests: Int
    /// Input tokens, cached ones included.
    public var input: Int
    /// Input tokens served from the prompt cache.
    public var cachedInput: Int
    /// Output tokens, reasoning ones included.
    public var output: Int
    /// Reasoning tokens (billed as output).
    public var reasoning: Int

    enum CodingKeys: String, CodingKey {
        case requests, input = "input_tokens", cachedInput = "cached_input_tokens", output = "output_tokens"
        case reasoning = "reasoning_tokens"
    }

    /// Creates a count (zero by default).
    public init(requests: Int = 0, input: Int = 0, cachedInput: Int = 0, output: Int = 0, reasoning: Int = 0) {
        self.requests = requests
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
        self.reasoning = reasoning
    }

    /// The two counts added.
    public static func + (lhs: UsageTokens, rhs: UsageTokens) -> UsageTokens {
        UsageTokens(
            requests: lhs.requests + rhs.requests, input: lhs.input + rhs.input, cachedInput: lhs.cachedInput + rhs.cachedInput,
            output: lhs.output + rhs.output, reasoning: lhs.reasoning + rhs.reasoning
        )
    }
}
