import BatchService
import Foundation
import OpenAIClient
import Testing
import TestSupport

/// Jobs against the simulator over real HTTP on 127.0.0.1: the enqueued-token budget, `token_limit_exceeded`,
/// retries of failed, expired and missing lines, and a restart mid-job (docs/ARCHITECTURE.md § Jobs).
@Suite("Jobs against the simulator", .serialized, .timeLimit(.minutes(3)))
struct JobRunTests {
    @Test func aBudgetThatFitsOneBatchRunsThemOneAfterAnotherAndTheJobCompletes() async throws {
        // Every part is 4 lines of equal size; the simulator's limit and the service's budget hold one part.
        let probe = try await JobSimulatorHarness()
        let partTokens = try probe.plan(parts: JobSimulatorHarness.ids(12, perPart: 4)).plan.parts[0].inputTokens
        await probe.stop()
        let harness = try await JobSimulatorHarness { $0.enqueuedTokenLimit = partTokens * 3 / 2 }
        defer { Task { await harness.stop() } }
        let limits = JobLimits(enqueuedTokens: EnqueuedTokenBudget(perModel: ["gpt-4o-mini": partTokens * 3 / 2]))
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(12, perPart: 4), limits: limits)
        let ended = try await harness.coordinator().runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .completed, "\(ended.job.failure ?? "")")
        #expect(ended.totals.succeeded == 12)
        let batches = try await harness.simulatorBatches()
        // None refused: the service never had two parts enqueued at once.
        #expect(batches.count == 3 && batches.allSatisfy { $0.status == .completed })
        #expect(ended.job.batches.allSatisfy { $0.tokenLimited == 0 })
    }

    @Test func aBatchRefusedWithTokenLimitExceededIsSubmittedAgainAndTheJobCompletes() async throws {
        let harness = try await JobSimulatorHarness { $0.tokenLimitFailures = 1 }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(6, perPart: 3))
        let ended = try await harness.coordinator().runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .completed, "\(ended.job.failure ?? "")")
        #expect(ended.totals.succeeded == 6)
        let batches = try await harness.simulatorBatches()
        #expect(batches.count == 3)
        #expect(batches.filter { $0.status == .failed }.count == 1)
        #expect(ended.job.batches.map(\.tokenLimited).reduce(0, +) == 1)
        #expect(ended.job.batches.flatMap(\.refusedBatchIDs).count == 1)
    }

    @Test func linesFailingWith500And429AreRetriedToCompletion() async throws {
        let harness = try await JobSimulatorHarness {
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [500, 429]
        }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(20, perPart: 10))
        let ended = try await harness.coordinator(maxAttempts: 10).runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .completed)
        #expect(ended.totals == .init(requests: 20, succeeded: 20, failed: 0, missing: 0, pending: 0))
        #expect(ended.job.batches.contains { $0.attempt > 1 })
        let items = try JobSimulatorHarness.items(ended.outputDirectory)
        #expect(items.count == 20 && items.values.allSatisfy { $0["status"] as? String == "processed" })
        #expect(items.values.contains { ($0["attempt"] as? Int ?? 0) > 1 })
    }

    @Test func aLineRefusedWith400IsNotRetried() async throws {
        let harness = try await JobSimulatorHarness {
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [400]
        }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(20, perPart: 10))
        let ended = try await harness.coordinator().runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .completed)
        #expect(try await harness.simulatorBatches().count == 2)
        #expect(ended.job.batches.allSatisfy { $0.attempt == 1 })
        let failed = try JobSimulatorHarness.items(ended.outputDirectory).values.filter { $0["status"] as? String == "error" }
        #expect(!failed.isEmpty && ended.totals.failed == failed.count)
    }

    @Test func anExpiredBatchsUnfinishedLinesAreRetried() async throws {
        // 24 h pass in about 0.1 s, while each request takes 30 ms: a batch expires with most lines not run.
        let harness = try await JobSimulatorHarness {
            $0.windowSpeedFactor = 864_000
            $0.requestLatency = .milliseconds(30)
        }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(12, perPart: 12))
        let ended = try await harness.coordinator(maxAttempts: 3).runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .completed, "\(ended.job.failure ?? "")")
        let batches = try await harness.simulatorBatches()
        #expect(batches.contains { $0.status == .expired })
        #expect(ended.job.batches.map(\.attempt).max() ?? 0 > 1)
        // Every line is accounted for: done, or reported with the attempt that last tried it.
        let items = try JobSimulatorHarness.items(ended.outputDirectory)
        #expect(items.count == 12)
        #expect(items.values.allSatisfy { ["processed", "error", "missing"].contains($0["status"] as? String ?? "") })
        #expect(items.values.contains { ($0["attempt"] as? Int ?? 0) > 1 })
    }

    @Test func aJobWithoutProgressForTheQueueTimeoutFailsAndKeepsWhatFinished() async throws {
        // The simulator's limit takes the one-line part 0 but never the 20-line part 1.
        let probe = try await JobSimulatorHarness()
        let small = try probe.plan(parts: [["a-1"]]).plan.parts[0].inputTokens
        await probe.stop()
        let harness = try await JobSimulatorHarness { $0.enqueuedTokenLimit = small * 2 }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: [["a-1"]] + JobSimulatorHarness.ids(20, perPart: 20))
        let ended = try await harness.coordinator(queueTimeout: 1).runJob(plan, partsFolder: folder)

        #expect(ended.job.phase == .failed)
        #expect(ended.job.failure?.contains("no progress") == true, "\(ended.job.failure ?? "")")
        #expect(ended.job.batches.first { $0.part == 1 }?.tokenLimited ?? 0 >= 1)
        let items = try JobSimulatorHarness.items(ended.outputDirectory)
        #expect(items["a-1"]?["status"] as? String == "processed")
        let file = try #require(items["a-1"]?["file"] as? String)
        #expect(FileManager.default.fileExists(atPath: ended.outputDirectory + "/docs/" + file))
        #expect(items["r-1"]?["status"] as? String == "error" && items.count == 21)
    }

    @Test func aRestartMidJobResumesWithNoBatchCreatedTwice() async throws {
        let harness = try await JobSimulatorHarness { $0.requestLatency = .milliseconds(20) }
        defer { Task { await harness.stop() } }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(30, perPart: 10))
        let first = harness.coordinator()
        _ = try await first.startJob(plan, partsFolder: folder)
        _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(10), { try await harness.simulatorBatches().count }, satisfies: { $0 >= 1 })
        // Stopped as a shutdown (or a crash) leaves it: nothing more recorded.
        await first.stopRuns()

        let second = harness.coordinator()
        await second.resumeRuns()
        let ended = try #require(await second.waitForJob(id: plan.jobID))
        #expect(ended.job.phase == .completed, "\(ended.job.failure ?? "")")
        #expect(ended.totals.succeeded == 30)
        let batches = try await harness.simulatorBatches()
        #expect(batches.count == 3, "\(batches.map(\.id))")
        #expect(Set(batches.compactMap { $0.metadata?["job_part"] }) == ["0", "1", "2"])
    }
}
