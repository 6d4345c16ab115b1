import BatchService
import Synchronization

/// The `/metrics` counters of tokens and cost, by model: `batch_openai_tokens_total{model,kind}` (kind
/// `input`, `cached_input`, `output`, `reasoning`; input includes cached and output includes reasoning, as
/// OpenAI counts them) and `batch_openai_cost_usd_total{model}` (priced models only).
///
/// Fed by the coordinator's `UsageLedger`, which tells of a batch only when its `usage.json` is first
/// written, so a batch counts once: a reused run, a second download or a resumed run reads the file instead.
final class UsageCounters: Sendable {
    /// The kinds of tokens, in the order they are rendered.
    static let kinds = ["input", "cached_input", "output", "reasoning"]

    private struct Key: Hashable, Comparable {
        let model: String
        let kind: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.model, lhs.kind) < (rhs.model, rhs.kind) }
    }

    private struct State {
        var tokens: [Key: UInt64] = [:]
        var cost: [String: Double] = [:]
    }

    private let state = Mutex(State())

    /// Adds a batch's tokens and cost.
    func add(_ report: UsageReport) {
        state.withLock { state in
            for usage in report.models {
                let counts = [usage.tokens.input, usage.tokens.cachedInput, usage.tokens.output, usage.tokens.reasoning]
                for (kind, count) in zip(Self.kinds, counts) {
                    state.tokens[Key(model: usage.model, kind: kind), default: 0] += UInt64(max(count, 0))
                }
                if let cost = usage.costUSD { state.cost[usage.model, default: 0] += cost }
            }
        }
    }

    /// The counters' exposition lines (HELP, TYPE, samples), models in name order.
    func render(escape: (String) -> String, format: (Double) -> String) -> [String] {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP batch_openai_tokens_total Tokens of downloaded batches by model and kind (input includes cached_input; output includes reasoning), each batch counted once.",
            "# TYPE batch_openai_tokens_total counter",
        ]
        for (key, count) in snapshot.tokens.sorted(by: { $0.key < $1.key }) {
            lines.append("batch_openai_tokens_total{model=\"\(escape(key.model))\",kind=\"\(key.kind)\"} \(count)")
        }
        lines.append("# HELP batch_openai_cost_usd_total USD at Batch API rates of downloaded batches by model (models with a known price), each batch counted once.")
        lines.append("# TYPE batch_openai_cost_usd_total counter")
        for (model, cost) in snapshot.cost.sorted(by: { $0.key < $1.key }) {
            lines.append("batch_openai_cost_usd_total{model=\"\(escape(model))\"} \(format(cost))")
        }
        return lines
    }
}
