import BatchCore
import Testing

@testable import BatchService

/// The job id and the enqueued-token budget's text form.
@Suite("Job plan: ids and budgets")
struct PlanConfigurationTests {
    @Test func theJobIDIsDerivedFromTheInputAndTheJobName() {
        let sha = SHA256.hex(of: Array("input".utf8))
        let id = JobID.make(inputSHA256: sha, jobName: "nightly")
        #expect(id == JobID.make(inputSHA256: sha, jobName: "nightly"))
        #expect(id != JobID.make(inputSHA256: sha, jobName: nil))
        #expect(id != JobID.make(inputSHA256: sha, jobName: "other"))
        #expect(id != JobID.make(inputSHA256: SHA256.hex(of: Array("input2".utf8)), jobName: "nightly"))
        #expect(id.hasPrefix("job_") && id.count == 28)
        #expect(JobID.isJobID(id))
        #expect(!JobID.isJobID("batch_abc"))
        #expect((try? BatchID(id)) != nil)
    }

    @Test(arguments: [
        ("gpt-4o-mini=2000000,gpt-4o=90000", EnqueuedTokenBudget(perModel: ["gpt-4o-mini": 2_000_000, "gpt-4o": 90_000])),
        ("90000", EnqueuedTokenBudget(fallback: 90_000)),
        (" gpt-4o = 90_000 , 2000000 ", EnqueuedTokenBudget(perModel: ["gpt-4o": 90_000], fallback: 2_000_000)),
    ])
    func readsABudget(text: String, expected: EnqueuedTokenBudget) throws {
        let budget = try EnqueuedTokenBudget(parsing: text)
        #expect(budget == expected)
        #expect(try EnqueuedTokenBudget(parsing: budget.text) == budget)
    }

    @Test(arguments: ["", "gpt-4o", "gpt-4o=", "=5", "gpt-4o=0", "5,6", "gpt-4o=1,gpt-4o=2", "a=1,,b=2", "-3", "1e6", "gpt-4o=ten"])
    func refusesAMalformedBudget(text: String) {
        #expect(throws: EnqueuedTokenBudget.ParseError.self) { try EnqueuedTokenBudget(parsing: text) }
    }
}
