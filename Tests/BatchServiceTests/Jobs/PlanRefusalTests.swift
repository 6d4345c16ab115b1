import BatchCore
import Foundation
import Testing
import TestSupport

@testable import BatchService

/// Inputs a job refuses: every bad line listed with its number, nothing uploaded, nothing left behind.
@Suite("Job plan: refusals")
struct PlanRefusalTests {
    /// Plans `text` and returns the refusal, after checking that nothing was left in `outputs/` and the
    /// backend was never called.
    static func refusal(_ text: String, limits: JobLimits, fixture: MemoryFixture) async throws -> BatchServiceError {
        try fixture.writeInput(text, name: "job.jsonl")
        let before = fixture.outputEntries()
        do {
            let staged = try await fixture.coordinator().plan(.path("job.jsonl"), jobName: nil, limits: limits, counter: PlanTestCounter())
            Issue.record("planned \(staged.plan.parts.count) parts; expected a refusal")
            throw CancellationError()
        } catch let error as BatchServiceError {
            #expect(fixture.outputEntries() == before, "a refused plan left files in outputs/")
            #expect(fixture.backend.calls.isEmpty)
            return error
        }
    }

    @Test func aDuplicateCustomIDInALaterPartIsRefused() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = (1...5).map { PlanLines.line("r-\($0)") } + [PlanLines.line("r-2")]
        let error = try await Self.refusal(lines.joined(separator: "\n") + "\n", limits: JobLimits(maxBatchLines: 2), fixture: fixture)
        #expect(error.kind == .invalidInput)
        #expect(error.issues.map(\.code) == ["duplicate_custom_id"])
        #expect(error.issues.map(\.line) == [6])
    }

    @Test func everyBadLineIsListedWithItsNumber() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = [
            PlanLines.line("r-1"), "{not json", PlanLines.line("r-3"),
            PlanLines.line("r-4").replacingOccurrences(of: #""POST""#, with: #""GET""#), PlanLines.line("r-5"),
        ]
        let error = try await Self.refusal(lines.joined(separator: "\n") + "\n", limits: JobLimits(maxBatchLines: 2), fixture: fixture)
        #expect(error.kind == .invalidInput)
        #expect(error.issues.map(\.line) == [2, 4])
        #expect(error.issues.map(\.code) == ["invalid_json_line", "invalid_method"])
        #expect(error.message.contains("line 2"))
    }

    @Test func aLineOverTheBatchByteLimitIsNamed() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let limit = Int64(PlanLines.line("r-1").utf8.count + 1)
        let lines = [PlanLines.line("r-1"), PlanLines.line("r-2", padding: 10), PlanLines.line("r-3")]
        let error = try await Self.refusal(lines.joined(separator: "\n") + "\n", limits: JobLimits(maxBatchBytes: limit), fixture: fixture)
        #expect(error.kind == .invalidInput)
        #expect(error.issues.map(\.code) == ["line_too_large"])
        #expect(error.issues.map(\.line) == [2])
    }

    /// A line longer than a batch that spans several reads is counted, not gathered, and still named.
    @Test func aLongLineAcrossReadsIsNamedWithoutBeingKept() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = [PlanLines.line("r-1"), PlanLines.line("r-2", padding: 3 << 20), PlanLines.line("r-3"), "[]"]
        let error = try await Self.refusal(lines.joined(separator: "\n"), limits: JobLimits(maxBatchBytes: 1 << 20), fixture: fixture)
        #expect(error.issues.map(\.code) == ["line_too_large", "invalid_json_line"])
        #expect(error.issues.map(\.line) == [2, 4])
    }

    @Test func anInputOverTheJobByteLimitIs413() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.lines(50)
        let error = try await Self.refusal(text, limits: JobLimits(maxJobBytes: Int64(text.utf8.count - 1)), fixture: fixture)
        #expect(error.kind == .tooLarge)
        #expect(error.kind.status == 413)
    }

    @Test func aLineOverItsModelsTokenBudgetIsNamed() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = [PlanLines.line("r-1", tokens: 5), PlanLines.line("r-2", model: "gpt-4o", tokens: 6), PlanLines.line("r-3", tokens: 6)]
        let budget = EnqueuedTokenBudget(perModel: ["gpt-4o": 5, "gpt-4o-mini": 100])
        let error = try await Self.refusal(lines.joined(separator: "\n") + "\n", limits: JobLimits(enqueuedTokens: budget), fixture: fixture)
        #expect(error.kind == .invalidInput)
        #expect(error.issues.map(\.code) == ["token_limit_exceeded"])
        #expect(error.issues.map(\.line) == [2])
        #expect(error.issues.first?.message.contains("gpt-4o") == true)
    }

    @Test func anEmptyInputIsRefused() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let error = try await Self.refusal("", limits: JobLimits(), fixture: fixture)
        #expect(error.kind == .invalidInput)
        #expect(error.issues.map(\.code) == ["empty_file"])
    }

    @Test(arguments: [
        JobLimits(maxBatchLines: 0), JobLimits(maxBatchLines: 50_001), JobLimits(maxBatchBytes: 0),
        JobLimits(maxBatchBytes: BatchLimits.openAI.maxBytes + 1), JobLimits(maxJobBytes: 0),
        JobLimits(enqueuedTokens: EnqueuedTokenBudget(perModel: ["gpt-4o": 0])), JobLimits(enqueuedTokens: EnqueuedTokenBudget(fallback: -1)),
    ])
    func limitsOutOfRangeAre400(limits: JobLimits) async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let error = try await Self.refusal(PlanLines.lines(2), limits: limits, fixture: fixture)
        #expect(error.kind == .badRequest)
        let dry = await #expect(throws: BatchServiceError.self) {
            try await fixture.coordinator().dryRunPlan(.path("job.jsonl"), jobName: nil, limits: limits)
        }
        #expect(dry?.kind == .badRequest)
    }
}
