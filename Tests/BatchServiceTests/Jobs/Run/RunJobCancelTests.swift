import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// A cancel recorded by another process (the command line beside `serve`) reaches the driver of the job.
@Suite("Jobs, cancelled from another process")
struct RunJobCancelTests {
    private func coordinator(_ fixture: MemoryFixture) -> BatchCoordinator {
        BatchCoordinator(backend: fixture.backend, workspace: fixture.workspace, logger: fixture.logs.logger,
                         policy: RunPolicy(maxTransientFailures: 5, initialBackoff: 0.001, maxBackoff: 0.005),
                         jobPolicy: RunJobMemoryTests.quick)
    }

    /// The second coordinator has no driver of the job, so it records the cancel in `job.json` and cancels the
    /// batch upstream. The driving one must not write its own "running" state over that record, nor retry the
    /// cancelled batch's lines as missing, nor submit the part still queued.
    @Test func aCancelRecordedElsewhereStopsTheDriverHere() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let driving = coordinator(fixture)
        let staged = fixture.directory.path + "/staged"
        let limits = JobLimits(enqueuedTokens: EnqueuedTokenBudget(fallback: 20))
        let plan = try RunJobPlans.make(in: staged, parts: RunJobPlans.ids(4, perPart: 2), limits: limits)
        _ = try await driving.startJob(plan, partsFolder: staged)
        let made = try await waitUntil(timeout: .seconds(20), { fixture.backend.allBatches }, satisfies: { $0.count == 1 })
        fixture.backend.setStatus(made[0].id, .inProgress, completed: 1)

        let cancelled = try await coordinator(fixture).cancelJob(id: plan.jobID)
        #expect(cancelled.job.phase == .cancelling)
        fixture.backend.finish(made[0].id, as: .cancelled, outcome: InMemoryBackend.Outcome(ran: 1))

        let ended = try #require(await driving.waitForJob(id: plan.jobID))
        #expect(ended.job.phase == .cancelled)
        #expect(fixture.backend.allBatches.count == 1)  // no retry of the cancelled lines, the queued part never sent
        let stored = try #require(await driving.jobs.store.job(try BatchID(plan.jobID)))
        #expect(stored.phase == .cancelled)
    }
}
