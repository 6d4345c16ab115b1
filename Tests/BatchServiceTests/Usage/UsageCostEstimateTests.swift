import BatchCore
@testable import BatchService
import Testing

@Suite("Usage cost estimate")
struct UsageCostEstimateTests {
    @Test func lowIsInputAtTheInputRateAndHighAddsTheOutputCeiling() throws {
        let estimate = CostEstimate(tokens: ["gpt-4o-mini": RequestTokens(input: 1_000_000, outputCeiling: 500_000)], prices: .standard)
        let model = try #require(estimate.models.first)
        #expect(model.pricedAs == "gpt-4o-mini")
        #expect(model.lowUSD == 0.075)
        #expect(model.highUSD == 0.225)
        #expect(estimate.lowUSD == 0.075)
        #expect(estimate.highUSD == 0.225)
        #expect(estimate.overBudget(maxCostUSD: 0.25) == nil)
        #expect(estimate.overBudget(maxCostUSD: 0.225) == nil)
        let refusal = try #require(estimate.overBudget(maxCostUSD: 0.2))
        #expect(refusal == "The upper cost estimate, $0.2250 (low estimate $0.0750), is over the maximum of $0.2000.")
    }

    @Test func severalModelsAddUp() {
        let estimate = CostEstimate(tokens: [
            "gpt-4o-2024-08-06": RequestTokens(input: 2_000_000, outputCeiling: 1_000_000),
            "text-embedding-3-small": RequestTokens(input: 10_000_000),
        ], prices: .standard)
        #expect(estimate.models.map(\.model) == ["gpt-4o-2024-08-06", "text-embedding-3-small"])
        // Embeddings bill no output: high = low without a ceiling.
        #expect(estimate.models[1].highUSD == 0.1)
        #expect(estimate.lowUSD == 2.6)
        #expect(estimate.highUSD == 7.6)
        #expect(estimate.unboundedModels.isEmpty)
    }

    @Test func withoutAnOutputCeilingThereIsNoUpperBoundAndMaxCostRefuses() throws {
        let estimate = CostEstimate(tokens: ["gpt-4o": RequestTokens(input: 1_000_000, outputCeiling: nil)], prices: .standard)
        #expect(estimate.lowUSD == 1.25)
        #expect(estimate.highUSD == nil)
        #expect(estimate.unboundedModels == ["gpt-4o"])
        let refusal = try #require(estimate.overBudget(maxCostUSD: 100))
        #expect(refusal.contains("unbounded (low estimate $1.2500)"))
        #expect(refusal.contains("gpt-4o set no max_tokens"))
    }

    @Test func anUnknownModelHasNoPriceAndMaxCostRefuses() throws {
        let estimate = CostEstimate(tokens: [
            "acme-large": RequestTokens(input: 1000, outputCeiling: 10),
            "gpt-4o-mini": RequestTokens(input: 1_000_000, outputCeiling: 0),
        ], prices: .standard)
        #expect(estimate.models[0].lowUSD == nil)
        #expect(estimate.models[0].highUSD == nil)
        #expect(estimate.unpricedModels == ["acme-large"])
        #expect(estimate.lowUSD == 0.075)
        #expect(estimate.highUSD == nil)
        let refusal = try #require(estimate.overBudget(maxCostUSD: 100))
        #expect(refusal.contains("the price of acme-large is unknown"))
        #expect(refusal.contains("BATCH_OPENAI_PRICES"))
    }

    @Test func aPlanIsEstimatedFromItsPartsPerModel() {
        func part(_ index: Int, _ model: String, input: Int, ceiling: Int?) -> JobPart {
            JobPart(index: index, model: model, requestCount: 1, byteCount: 1, sha256: "", inputTokens: input, exactTokens: false,
                    outputTokenCeiling: ceiling, firstLine: 1, file: "parts/\(index).jsonl")
        }
        let plan = JobPlan(jobID: "job_1", jobName: nil, inputSHA256: "", endpoint: "/v1/chat/completions", requestCount: 3, byteCount: 3,
                           limits: JobLimits(), parts: [
                               part(0, "gpt-4o-mini", input: 600_000, ceiling: 100_000),
                               part(1, "gpt-4o-mini", input: 400_000, ceiling: 400_000),
                               part(2, "gpt-4.1", input: 1_000_000, ceiling: nil),
                           ])
        let estimate = CostEstimate(plan: plan, prices: .standard)
        #expect(estimate.models.map(\.model) == ["gpt-4.1", "gpt-4o-mini"])
        #expect(estimate.models[1].inputTokens == 1_000_000)
        #expect(estimate.models[1].outputTokenCeiling == 500_000)
        #expect(estimate.models[1].highUSD == 0.225)
        #expect(estimate.models[0].outputTokenCeiling == nil)
        #expect(estimate.unboundedModels == ["gpt-4.1"])
        #expect(estimate.lowUSD == 1.075)
    }

    @Test(arguments: [(0.0, "$0.0000"), (0.2250, "$0.2250"), (12.5, "$12.5000"), (0.00000008, "$0.00000008"), (0.00015428, "$0.00015428"), (0.01, "$0.0100"), (1234.56789, "$1234.5679")])
    func dollarsReadAsPeopleWriteThem(amount: Double, text: String) {
        #expect(CostEstimate.dollars(amount) == text)
    }
}
