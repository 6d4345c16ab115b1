/// The price of each model at Batch API rates: the committed table (`Resources/prices.json`, with the date
/// it was taken from OpenAI's pricing page and the page's address) or the file `BATCH_OPENAI_PRICES` names.
///
/// A model resolves exactly, then without a dated snapshot suffix (`gpt-4o-mini-2024-07-18` →
/// `gpt-4o-mini`), so a snapshot priced apart (`gpt-4o-2024-05-13`) keeps its own line. A model that
/// resolves to nothing has no price: its tokens are shown with "price unknown", never a guess.
public struct PriceTable: Sendable, Equatable {
    /// Where the prices were taken from (a URL).
    public var source: String
    /// The date they were taken (`YYYY-MM-DD`).
    public var asOf: String
    /// Prices by model name.
    public var models: [String: ModelPrice]

    /// Creates a table.
    public init(source: String, asOf: String, models: [String: ModelPrice]) {
        self.source = source
        self.asOf = asOf
        self.models = models
    }

    /// The table committed with the code. Its file is checked by the tests; a broken one stops at first use.
    public static let standard: PriceTable = {
        do {
            return try PriceTable(parsing: PackageResources.prices_json, origin: "Resources/prices.json")
        } catch {
            preconditionFailure("the committed price table is invalid: \(error)")
        }
    }()

    /// The model name a price was found under, and the price; `nil` when the table has none.
    public func price(of model: String) -> (pricedAs: String, price: ModelPrice)? {
        if let price = models[model] { return (model, price) }
        let base = Self.withoutSnapshotDate(model)
        if base != model, let price = models[base] { return (base, price) }
        return nil
    }

    /// `model` without a trailing `-YYYY-MM-DD` (OpenAI's dated snapshots), or `model` itself.
    static func withoutSnapshotDate(_ model: String) -> String {
        let bytes = Array(model.utf8)
        guard bytes.count > 11 else { return model }
        let tail = bytes.suffix(11)
        let pattern = Array("-dddd-dd-dd".utf8)
        for (byte, expected) in zip(tail, pattern) {
            if expected == UInt8(ascii: "d") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return model }
            } else if byte != expected {
                return model
            }
        }
        return String(decoding: bytes.dropLast(11), as: UTF8.self)
    }
}
