import Synchronization

/// Told once per batch when its usage is first tallied (its `usage.json` written for the first time), so a
/// counter such as `/metrics`' tokens and cost counts each batch once: a reused run, a second download or a
/// look at the usage reads the file and tells nobody.
public protocol UsageObserver: AnyObject, Sendable {
    /// The tokens and cost of a batch counted for the first time.
    func usageTallied(_ report: UsageReport)
}

/// The coordinator's usage book-keeping: the price table it prices with, who is told of new tallies, and
/// one tally at a time per batch (two downloads of one batch at once must not both count it as new).
public final class UsageLedger: Sendable {
    /// The prices (`PriceTable.standard`, or `BATCH_OPENAI_PRICES`' file).
    public let prices: PriceTable
    private let observers = Mutex<[any UsageObserver]>([])
    /// One tally of a batch folder at a time.
    let gate = KeyedGate<String>()

    /// A ledger pricing with `prices`.
    public init(prices: PriceTable) {
        self.prices = prices
    }

    /// Tells `observer` of every batch tallied from now on.
    public func observe(_ observer: any UsageObserver) {
        observers.withLock { list in
            if !list.contains(where: { $0 === observer }) { list.append(observer) }
        }
    }

    /// Tells the observers of a first tally.
    func tallied(_ report: UsageReport) {
        for observer in observers.withLock({ $0 }) { observer.usageTallied(report) }
    }
}
