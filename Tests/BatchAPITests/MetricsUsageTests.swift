import BatchAPI
import BatchService
import Testing

@Suite("GET /metrics: usage counters")
struct MetricsUsageTests {
    static func report(_ batch: String, _ models: [String: UsageTokens]) -> UsageReport {
        UsageReport(batchIDs: [batch], tally: UsageTally(models: models), prices: .standard)
    }

    @Test func tokensByModelAndKindAndCostByModelAddUpOverBatches() {
        let metrics = MetricsRegistry()
        metrics.usageTallied(Self.report("batch_1", ["gpt-4o-mini-2024-07-18": UsageTokens(requests: 2, input: 1_000_000, cachedInput: 0, output: 100_000, reasoning: 0)]))
        metrics.usageTallied(Self.report("batch_2", [
            "gpt-4o-mini-2024-07-18": UsageTokens(requests: 1, input: 1_000_000, cachedInput: 200, output: 100_000, reasoning: 0),
            "o3": UsageTokens(requests: 1, input: 10, cachedInput: 0, output: 30, reasoning: 20),
            "acme\"large": UsageTokens(requests: 1, input: 7),
        ]))
        let text = metrics.render()
        #expect(text.contains("# TYPE batch_openai_tokens_total counter"))
        #expect(text.contains(#"batch_openai_tokens_total{model="gpt-4o-mini-2024-07-18",kind="input"} 2000000"#))
        #expect(text.contains(#"batch_openai_tokens_total{model="gpt-4o-mini-2024-07-18",kind="cached_input"} 200"#))
        #expect(text.contains(#"batch_openai_tokens_total{model="gpt-4o-mini-2024-07-18",kind="output"} 200000"#))
        #expect(text.contains(#"batch_openai_tokens_total{model="o3",kind="reasoning"} 20"#))
        #expect(text.contains(#"batch_openai_tokens_total{model="acme\"large",kind="input"} 7"#))
        #expect(text.contains("# TYPE batch_openai_cost_usd_total counter"))
        // (1,000,000 × 0.075 + 100,000 × 0.3) per million, twice.
        #expect(text.contains(#"batch_openai_cost_usd_total{model="gpt-4o-mini-2024-07-18"} 0.21"#))
        // A model without a price has tokens but no cost line.
        #expect(!text.contains(#"batch_openai_cost_usd_total{model="acme\"large"}"#))
    }
}
