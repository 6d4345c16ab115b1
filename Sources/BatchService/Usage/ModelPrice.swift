/// One model's prices at Batch API rates, in USD per million tokens.
public struct ModelPrice: Sendable, Equatable {
    /// Input (prompt) tokens.
    public var input: Double
    /// Cached input tokens; `nil` when the price list gives no batch rate for them, so they cost the input rate.
    public var cachedInput: Double?
    /// Output tokens, reasoning included; `nil` for a model that bills none (embeddings).
    public var output: Double?

    /// Creates a price.
    public init(input: Double, cachedInput: Double? = nil, output: Double? = nil) {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
    }

    /// What `tokens` cost in USD: uncached input at the input rate, cached input at the cached rate, output
    /// (which includes reasoning tokens, as OpenAI counts them) at the output rate.
    public func cost(of tokens: UsageTokens) -> Double {
        let cached = min(max(tokens.cachedInput, 0), tokens.input)
        let dollars = Double(tokens.input - cached) * input + Double(cached) * (cachedInput ?? input)
            + Double(tokens.output) * (output ?? 0)
        return Self.rounded(dollars / 1_000_000)
    }

    /// USD kept to 1e-8 (a token of the cheapest model costs 1e-8 USD): sums of many batches stay readable.
    static func rounded(_ dollars: Double) -> Double {
        (dollars * 100_000_000).rounded() / 100_000_000
    }
}

// The table's entry in `usage.json` and the answers (`usd_per_1m_tokens`): `null` rates stay explicit.
extension ModelPrice: Codable {
    enum CodingKeys: String, CodingKey {
        case input, cachedInput = "cached_input", output
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = try c.decode(Double.self, forKey: .input)
        cachedInput = try c.decodeIfPresent(Double.self, forKey: .cachedInput)
        output = try c.decodeIfPresent(Double.self, forKey: .output)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(input, forKey: .input)
        try c.encode(cachedInput, forKey: .cachedInput)
        try c.encode(output, forKey: .output)
    }
}
