/// Tokens and USD per model and in total, for one batch or several (a job): what `usage.json` holds, and
/// what the run and download answers, the command line and `/metrics` show.
///
/// A model the price table does not know keeps its tokens with `costUSD == nil` ("price unknown") and is
/// named in `total.unpricedModels`; the total's cost is then the cost of the priced models only.
public struct UsageReport: Sendable, Equatable, Codable {
    /// The batches counted.
    public var batchIDs: [String]
    /// The price table the costs come from.
    public var prices: PriceSource
    /// Each model, by name.
    public var models: [ModelUsage]
    /// All models together.
    public var total: Total
    /// Result lines that could not be read (not JSON): their usage, if any, is not counted.
    public var unreadableLines: Int

    enum CodingKeys: String, CodingKey {
        case batchIDs = "batches", prices, models, total, unreadableLines = "unreadable_lines"
    }

    /// Prices `tally` with `prices`.
    public init(batchIDs: [String], tally: UsageTally, prices table: PriceTable) {
        self.batchIDs = batchIDs
        prices = PriceSource(source: table.source, asOf: table.asOf)
        models = tally.models.sorted { $0.key < $1.key }.map { model, tokens in
            let found = table.price(of: model)
            return ModelUsage(model: model, pricedAs: found?.pricedAs, tokens: tokens, rates: found?.price, costUSD: found?.price.cost(of: tokens))
        }
        let cost = models.compactMap(\.costUSD).reduce(0, +)
        total = Total(tokens: tally.total, costUSD: ModelPrice.rounded(cost), unpricedModels: models.filter { $0.costUSD == nil }.map(\.model))
        unreadableLines = tally.unreadableLines
    }

    /// The tokens this report counts, by model (to combine reports or price them again).
    public var tally: UsageTally {
        UsageTally(models: Dictionary(models.map { ($0.model, $0.tokens) }, uniquingKeysWith: +), unreadableLines: unreadableLines)
    }

    /// Several reports as one (a job's batches), priced with `prices`: tokens summed per model.
    public static func combining(_ reports: [UsageReport], prices: PriceTable) -> UsageReport {
        UsageReport(batchIDs: reports.flatMap(\.batchIDs), tally: reports.map(\.tally).reduce(UsageTally(), +), prices: prices)
    }

    /// This report priced again with `table` (the tokens are kept): a report written under other prices.
    public func repriced(with table: PriceTable) -> UsageReport {
        UsageReport(batchIDs: batchIDs, tally: tally, prices: table)
    }

    /// The price table a report was priced with.
    public struct PriceSource: Sendable, Equatable, Codable {
        /// The pricing page.
        public var source: String
        /// The date the prices were taken.
        public var asOf: String

        enum CodingKeys: String, CodingKey {
            case source, asOf = "as_of"
        }
    }

    /// One model's tokens and cost.
    public struct ModelUsage: Sendable, Equatable, Codable {
        /// The model as the response bodies name it (a snapshot such as `gpt-4o-mini-2024-07-18`).
        public var model: String
        /// The table entry that priced it (`gpt-4o-mini`), `nil` when none did.
        public var pricedAs: String?
        /// Its tokens.
        public var tokens: UsageTokens
        /// The rates applied, USD per 1M tokens; `nil` when the price is unknown.
        public var rates: ModelPrice?
        /// USD at batch rates; `nil` when the price is unknown.
        public var costUSD: Double?

        enum CodingKeys: String, CodingKey {
            case model, pricedAs = "priced_as", rates = "usd_per_1m_tokens", costUSD = "cost_usd"
        }

        init(model: String, pricedAs: String?, tokens: UsageTokens, rates: ModelPrice?, costUSD: Double?) {
            self.model = model
            self.pricedAs = pricedAs
            self.tokens = tokens
            self.rates = rates
            self.costUSD = costUSD
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            pricedAs = try c.decodeIfPresent(String.self, forKey: .pricedAs)
            rates = try c.decodeIfPresent(ModelPrice.self, forKey: .rates)
            costUSD = try c.decodeIfPresent(Double.self, forKey: .costUSD)
            tokens = try UsageTokens(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            try tokens.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(pricedAs, forKey: .pricedAs)
            try c.encode(rates, forKey: .rates)
            try c.encode(costUSD, forKey: .costUSD)
        }
    }

    /// Every model together.
    public struct Total: Sendable, Equatable, Codable {
        /// The tokens of every model.
        public var tokens: UsageTokens
        /// USD of the priced models.
        public var costUSD: Double
        /// Models without a price: their tokens are in `tokens`, their cost in nothing.
        public var unpricedModels: [String]

        enum CodingKeys: String, CodingKey {
            case costUSD = "cost_usd", unpricedModels = "unpriced_models"
        }

        init(tokens: UsageTokens, costUSD: Double, unpricedModels: [String]) {
            self.tokens = tokens
            self.costUSD = costUSD
            self.unpricedModels = unpricedModels
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            costUSD = try c.decode(Double.self, forKey: .costUSD)
            unpricedModels = try c.decode([String].self, forKey: .unpricedModels)
            tokens = try UsageTokens(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            try tokens.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(costUSD, forKey: .costUSD)
            try c.encode(unpricedModels, forKey: .unpricedModels)
        }
    }
}
