import Testing

@testable import batch_openai

/// `--enqueued-token-limit N | model=N,...` and `--tokenizer-dir` of `sim` (and `serve --sim-…`).
struct SimulatorTokenOptionsTests {
    @Test func limitsForEveryModelAndPerModel() throws {
        let one = try #require(SimulatorOptions<StandaloneSimulator>.enqueuedTokenLimits("90000"))
        #expect(one.fallback == 90_000 && one.perModel.isEmpty)
        let each = try #require(SimulatorOptions<StandaloneSimulator>.enqueuedTokenLimits("gpt-4o-mini=2000000, gpt-4o=90000"))
        #expect(each.fallback == nil && each.perModel == ["gpt-4o-mini": 2_000_000, "gpt-4o": 90_000])
        let both = try #require(SimulatorOptions<StandaloneSimulator>.enqueuedTokenLimits("gpt-4o=5,100"))
        #expect(both.fallback == 100 && both.perModel == ["gpt-4o": 5])
    }

    @Test(arguments: ["", "0", "-1", "x", "gpt-4o=", "=5", "gpt-4o=0", "a=1,a=2", "1,2", "a=b=1", "gpt-4o=1,"])
    func refusesOtherText(text: String) {
        #expect(SimulatorOptions<StandaloneSimulator>.enqueuedTokenLimits(text) == nil)
    }

    @Test func badValuesAreUsageErrors() {
        #expect(throws: (any Error).self) { try SimulatorOptions<StandaloneSimulator>.parse(["--enqueued-token-limit", "gpt-4o=0"]) }
        #expect(throws: (any Error).self) { try SimulatorOptions<StandaloneSimulator>.parse(["--tokenizer-dir", "/nonexistent/tokenizers"]) }
        #expect(throws: Never.self) { try SimulatorOptions<StandaloneSimulator>.parse(["--enqueued-token-limit", "gpt-4o=5,100"]) }
    }
}
