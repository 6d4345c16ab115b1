import BatchCore

/// What a plan may cost before anything is submitted, per model and in total, in USD at batch rates:
///
/// - low: every input token at the input rate (no output, no cache discount);
/// - high: low plus the output-token ceiling (the sum of the requests' `max_tokens`,
///   `max_completion_tokens` or `max_output_tokens`) at the output rate. When some request of a model sets
///   no ceiling there is no upper bound (`highUSD == nil`, the model listed in `unboundedModels`); a model
///   that bills no output (embeddings) has high = low.
///
/// A model without a price has neither (`unpricedModels`): never a guess. `run --dry-run` prints it and
/// `--max-cost` refuses a plan through `overBudget(maxCostUSD:)`.
public struct CostEstimate: Sendable, Equatable, Codable {
    /// Each model, by name.
    public var models: [ModelEstimate]
    /// The low end over the priced models.
    public var lowUSD: Double
    /// The high end; `nil` when some model has no upper bound or no price.
    public var highUSD: Double?
    /// Models whose requests set no output ceiling somewhere.
    public var unboundedModels: [String]
    /// Models the price table does not know.
    public var unpricedModels: [String]
    /// The price table used.
    public var prices: UsageReport.PriceSource

    enum CodingKeys: String, CodingKey {
        case models, lowUSD = "low_usd", highUSD = "high_usd", unboundedModels = "unbounded_models"
        case unpricedModels = "unpriced_models", prices
    }

    /// One model's estimate.
    public struct ModelEstimate: Sendable, Equatable, Codable {
        /// The model the requests name.
        public var model: String
        /// The table entry that priced it; `nil` when none did.
        public var pricedAs: String?
        /// Input tokens of its requests.
        public var inputTokens: Int
        /// The most output tokens its requests may produce; `nil` when some request sets no cap.
        public var outputTokenCeiling: Int?
        /// USD of the input alone; `nil` without a price.
        public var lowUSD: Double?
        /// USD of the input and the output ceiling; `nil` without a price or without a ceiling.
        public var highUSD: Double?

        enum CodingKeys: String, CodingKey {
            case model, pricedAs = "priced_as", inputTokens = "input_tokens", outputTokenCeiling = "output_token_ceiling"
            case lowUSD = "low_usd", highUSD = "high_usd"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(pricedAs, forKey: .pricedAs)
            try c.encode(inputTokens, forKey: .inputTokens)
            try c.encode(outputTokenCeiling, forKey: .outputTokenCeiling)
            try c.encode(lowUSD, forKey: .lowUSD)
            try c.encode(highUSD, forKey: .highUSD)
        }
    }

    /// Estimates from each model's summed request tokens (`input`, and `outputCeiling`: `nil` when some
    /// request set none).
    public init(tokens: [String: RequestTokens], prices table: PriceTable) {
        models = tokens.sorted { $0.key < $1.key }.map { model, tokens in
            guard let (pricedAs, price) = table.price(of: model) else {
                return ModelEstimate(model: model, pricedAs: nil, inputTokens: tokens.input, outputTokenCeiling: tokens.outputCeiling)
            }
            let low = price.cost(of: UsageTokens(input: tokens.input))
            var high: Double?
            if price.output == nil {
                high = low
            } else if let ceiling = tokens.outputCeiling {
                high = price.cost(of: UsageTokens(input: tokens.input, output: ceiling))
            }
            return ModelEstimate(model: model, pricedAs: pricedAs, inputTokens: tokens.input, outputTokenCeiling: tokens.outputCeiling,
                                 lowUSD: low, highUSD: high)
        }
        lowUSD = ModelPrice.rounded(models.compactMap(\.lowUSD).reduce(0, +))
        unpricedModels = models.filter { $0.pricedAs == nil }.map(\.model)
        unboundedModels = models.filter { $0.pricedAs != nil && $0.highUSD == nil }.map(\.model)
        highUSD = unpricedModels.isEmpty && unboundedModels.isEmpty ? ModelPrice.rounded(models.compactMap(\.highUSD).reduce(0, +)) : nil
        prices = UsageReport.PriceSource(source: table.source, asOf: table.asOf)
    }

    /// Estimates a job's plan: its parts' tokens summed per model (a part without a model counts under
    /// `UsageTally.unnamedModel`).
    public init(plan: JobPlan, prices: PriceTable) {
        var tokens: [String: RequestTokens] = [:]
        for part in plan.parts {
            let model = part.model ?? UsageTally.unnamedModel
            var sum = tokens[model] ?? RequestTokens(input: 0, outputCeiling: 0)
            sum.input += part.inputTokens
            sum.outputCeiling = sum.outputCeiling.flatMap { total in part.outputTokenCeiling.map { total + $0 } }
            tokens[model] = sum
        }
        self.init(tokens: tokens, prices: prices)
    }

    /// Why the plan must not be submitted under `maxCostUSD`, naming the estimate; `nil` when its upper
    /// estimate is within it. Without an upper estimate (a model with no output ceiling, or no price) it
    /// is refused too: `--max-cost` promises a bound, and only a known high end keeps it.
    public func overBudget(maxCostUSD: Double) -> String? {
        let limit = Self.dollars(maxCostUSD)
        if !unpricedModels.isEmpty {
            return "The cost cannot be bounded under the maximum of \(limit): the price of \(unpricedModels.joined(separator: ", ")) is unknown "
                + "(low estimate of the priced models \(Self.dollars(lowUSD))); set BATCH_OPENAI_PRICES to a table that lists "
                + (unpricedModels.count == 1 ? "it." : "them.")
        }
        guard let highUSD else {
            return "The upper cost estimate is unbounded (low estimate \(Self.dollars(lowUSD))), over the maximum of \(limit): requests of "
                + "\(unboundedModels.joined(separator: ", ")) set no max_tokens, max_completion_tokens or max_output_tokens."
        }
        guard highUSD > maxCostUSD else { return nil }
        return "The upper cost estimate, \(Self.dollars(highUSD)) (low estimate \(Self.dollars(lowUSD))), is over the maximum of \(limit)."
    }

    /// USD as people read it: `$0.0123` (four decimals; eight below a cent, so the cost of a small batch
    /// reads `$0.00015428`, not `$0.0002`).
    public static func dollars(_ amount: Double) -> String {
        let digits = amount != 0 && abs(amount) < 0.01 ? 8 : 4
        return "$" + fixed(amount, digits: digits)
    }

    /// `amount` with `digits` decimals, without Foundation's formatter.
    static func fixed(_ amount: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(amount) * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return (amount < 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
