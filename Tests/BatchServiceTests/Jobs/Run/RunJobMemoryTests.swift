import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// Jobs driven over the in-memory backend: scheduling under the budget, retries, merging, restarts.
@Suite("Jobs, in memory")
struct RunJobMemoryTests {
    /// Quick back-offs and polls, so a test costs milliseconds per step.
    static let quick = JobRunPolicy(maxAttempts: 3, queueTimeout: 60, initialBackoff: 0.001, maxBackoff: 0.005, pollInterval: 0.001)

    private func coordinator(_ fixture: MemoryFixture, policy: JobRunPolicy = quick) -> BatchCoordinator {
        BatchCoordinator(backend: fixture.backend, workspace: fixture.workspace, logger: fixture.logs.logger,
                         policy: RunPolicy(maxTransientFailures: 5, initialBackoff: 0.001, maxBackoff: 0.005), jobPolicy: policy)
    }

    private func staged(_ fixture: MemoryFixture) -> String { fixture.directory.path + "/staged" }

    @Test func aJobOfThreePartsEndsWithOneDocsFolderAndOneIndex() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(7, perPart: 3))
        let ended = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))

        #expect(ended.job.phase == .completed)
        #expect(ended.totals == .init(requests: 7, succeeded: 7, failed: 0, missing: 0, pending: 0))
        #expect(fixture.backend.count(.createBatch) == 3)
        let items = try RunJobPlans.items(ended.outputDirectory)
        #expect(items.count == 7)
        for id in (1...7).map({ "r-\($0)" }) {
            let item = try #require(items[id])
            #expect(item["status"] as? String == "processed" && item["attempt"] as? Int == 1)
            let file = try #require(item["file"] as? String)
            #expect(FileManager.default.fileExists(atPath: ended.outputDirectory + "/docs/" + file))
        }
        // Moved, not copied: the batches' own docs/ hold no document any more.
        for row in ended.batches {
            let batchDocs = fixture.workspace.outputsDirectory + "/" + (row.batchID ?? "") + "/docs"
            let left = (FileManager.default.enumerator(atPath: batchDocs)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }
            #expect(left.isEmpty, "\(left)")
        }
        let index = try RunJobPlans.index(ended.outputDirectory)
        #expect(index["requests"] as? Int == 7 && index["succeeded"] as? Int == 7)
        // Its files are served like a batch's, never outside its folder.
        let coordinator = coordinator(fixture)
        #expect(try await coordinator.jobFile(id: plan.jobID, path: "index.json") == .file(ended.outputDirectory + "/index.json"))
        await #expect(throws: BatchServiceError.self) { try await coordinator.jobFile(id: plan.jobID, path: "../x") }
        await #expect(throws: BatchServiceError.self) { try await coordinator.jobFile(id: "job_unknown", path: "index.json") }
        // The parts were moved into the job's folder, and job.json records every batch.
        #expect(FileManager.default.fileExists(atPath: ended.outputDirectory + "/parts/0002.jsonl"))
        let stored = try #require(await FileJobStore(outputsDirectory: fixture.workspace.outputsDirectory).job(BatchID(plan.jobID)))
        #expect(stored.phase == .completed && stored.batches.allSatisfy { $0.state == .merged && $0.batchID != nil })
    }

    @Test func eachBatchCarriesItsJobPartAndAttemptInItsMetadata() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2))
        _ = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))
        let metadata = fixture.backend.allBatches.compactMap(\.metadata).sorted { ($0["job_part"] ?? "") < ($1["job_part"] ?? "") }
        #expect(metadata.map { $0["job_part"] } == ["0", "1"])
        #expect(metadata.allSatisfy { $0["job_id"] == plan.jobID && $0["job_attempt"] == "1" && $0["batch_openai_submission"] != nil })
        #expect(metadata.map { $0["job_name"] } == ["\(plan.jobID)/0/1", "\(plan.jobID)/1/1"])
    }

    @Test func aBudgetThatFitsOneBatchRunsThemOneAfterAnother() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        // 3 lines × 10 tokens a part; a budget of 40 holds one part at a time.
        let limits = JobLimits(enqueuedTokens: EnqueuedTokenBudget(perModel: ["gpt-4o-mini": 40]))
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(9, perPart: 3), limits: limits)
        let ended = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))

        #expect(ended.job.phase == .completed && ended.totals.succeeded == 9)
        // Each batch was created after the one before it ended.
        let batches = fixture.backend.allBatches.sorted { $0.createdAt < $1.createdAt }
        #expect(batches.count == 3)
        for (earlier, later) in zip(batches, batches.dropFirst()) {
            let ended = try #require(earlier.completedAt)
            #expect(later.createdAt > ended, "\(earlier.id) ended at \(ended), \(later.id) created at \(later.createdAt)")
        }
    }

    @Test func missingLinesAreRetriedUpToMaxAttemptsAndReportedWithTheirAttempt() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.outcome = InMemoryBackend.Outcome(missing: ["r-2"])
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(3, perPart: 3))
        let ended = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))

        #expect(ended.job.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 3)  // attempts 1, 2 and 3
        #expect(ended.job.batches.map(\.requestCount) == [3, 1, 1])
        let items = try RunJobPlans.items(ended.outputDirectory)
        #expect(items["r-2"]?["status"] as? String == "missing" && items["r-2"]?["attempt"] as? Int == 3)
        #expect(items["r-1"]?["attempt"] as? Int == 1 && items["r-1"]?["status"] as? String == "processed")
        #expect(ended.totals.missing == 1 && ended.totals.succeeded == 2)
    }

    @Test func aLineRefusedWithA400IsReportedAndNotRetried() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.outcome = InMemoryBackend.Outcome(failing: ["r-3"])
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2))
        let ended = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))

        #expect(ended.job.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 2)
        let item = try #require(try RunJobPlans.items(ended.outputDirectory)["r-3"])
        #expect(item["status"] as? String == "error" && item["attempt"] as? Int == 1)
        #expect(ended.totals.failed == 1 && ended.totals.succeeded == 3)
    }

    @Test func aRetryByHandWithAllSubmitsTheRefusedLinesAgain() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.outcome = InMemoryBackend.Outcome(failing: ["r-3"])
        let coordinator = coordinator(fixture)
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2))
        _ = try await coordinator.runJob(plan, partsFolder: staged(fixture))
        // Without `all` nothing is retryable.
        await #expect(throws: BatchServiceError.self) { try await coordinator.retryJob(id: plan.jobID, all: false) }

        fixture.backend.outcome = InMemoryBackend.Outcome()
        _ = try await coordinator.retryJob(id: plan.jobID, all: true)
        let ended = try #require(await coordinator.waitForJob(id: plan.jobID))
        #expect(ended.job.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 3)
        let item = try #require(try RunJobPlans.items(ended.outputDirectory)["r-3"])
        #expect(item["status"] as? String == "processed" && item["attempt"] as? Int == 2)
        #expect(ended.totals == .init(requests: 4, succeeded: 4, failed: 0, missing: 0, pending: 0))
    }

    @Test func theSamePlanAgainReturnsTheSameJobWithoutNewBatches() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = coordinator(fixture)
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2))
        _ = try await coordinator.runJob(plan, partsFolder: staged(fixture))
        let again = try await coordinator.runJob(try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2)), partsFolder: staged(fixture))
        #expect(again.reused && again.job.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 2)
        #expect(await coordinator.listJobs().map(\.job.jobID) == [plan.jobID])
    }

    @Test func anAmbiguousCreateIsAdoptedNotMadeTwice() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.makeNextAmbiguous(.createBatch)
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2))
        let ended = try await coordinator(fixture).runJob(plan, partsFolder: staged(fixture))
        #expect(ended.job.phase == .completed && ended.totals.succeeded == 4)
        #expect(fixture.backend.allBatches.count == 2)
    }

    @Test func aRestartedServiceFinishesTheJobWithoutCreatingABatchTwice() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let first = coordinator(fixture)
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(6, perPart: 2))
        _ = try await first.startJob(plan, partsFolder: staged(fixture))
        _ = try await waitUntil(timeout: .seconds(20), { fixture.backend.allBatches.count }, satisfies: { $0 == 3 })
        fixture.backend.finish(fixture.backend.allBatches.last!.id, as: .completed)
        await first.stopRuns()

        fixture.backend.progression = .onePerRetrieve()
        let second = coordinator(fixture)
        await second.resumeRuns()
        let ended = try #require(await second.waitForJob(id: plan.jobID))
        #expect(ended.job.phase == .completed && ended.totals.succeeded == 6)
        #expect(fixture.backend.count(.createBatch) == 3)
    }

    @Test func aCancelledJobStopsAndKeepsWhatFinished() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = coordinator(fixture)
        let limits = JobLimits(enqueuedTokens: EnqueuedTokenBudget(fallback: 20))
        let plan = try RunJobPlans.make(in: staged(fixture), parts: RunJobPlans.ids(4, perPart: 2), limits: limits)
        _ = try await coordinator.startJob(plan, partsFolder: staged(fixture))
        let made = try await waitUntil(timeout: .seconds(20), { fixture.backend.allBatches }, satisfies: { $0.count == 1 })
        fixture.backend.setStatus(made[0].id, .inProgress, completed: 1)
        let cancelled = try await coordinator.cancelJob(id: plan.jobID)
        #expect(cancelled.job.phase == .cancelling)
        fixture.backend.finish(made[0].id, as: .cancelled, outcome: InMemoryBackend.Outcome(ran: 1))
        let ended = try #require(await coordinator.waitForJob(id: plan.jobID))
        #expect(ended.job.phase == .cancelled)
        #expect(fixture.backend.allBatches.count == 1)  // part 1 never submitted, nothing retried
        // Either part may have taken the budget first; the one that ran kept its first line.
        let ran = made[0].metadata?["job_part"] == "0" ? ("r-1", "r-3") : ("r-3", "r-1")
        let items = try RunJobPlans.items(ended.outputDirectory)
        #expect(items[ran.0]?["status"] as? String == "processed")
        #expect(items[ran.1]?["status"] as? String == "missing")
    }
}
