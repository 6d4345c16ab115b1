import Foundation
import Testing

@testable import BatchService

/// `JobRun`, the job's pure state machine: events in, state out, no I/O.
@Suite("Job state machine")
struct RunJobStateTests {
    private func plan(parts: Int = 2) throws -> JobPlan {
        let folder = NSTemporaryDirectory() + "job-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try RunJobPlans.make(in: folder, parts: RunJobPlans.ids(parts * 3, perPart: 3))
    }

    @Test func aNewJobQueuesAttemptOneOfEveryPart() throws {
        let run = JobRun(plan: try plan(parts: 3), maxAttempts: 3, now: 100)
        #expect(run.phase == .running)
        #expect(run.batches.map(\.part) == [0, 1, 2] && run.batches.allSatisfy { $0.attempt == 1 && $0.state == .queued })
        #expect(!run.isSettled)
    }

    @Test func aSlotGoesFromQueuedToMergedAndItsFailuresBecomeTheNextAttempt() throws {
        var run = JobRun(plan: try plan(parts: 1), maxAttempts: 2, now: 100)
        let applied1 = run.apply(.submitting(slot: 0))
        #expect(applied1)
        let applied2 = run.apply(.downloaded(slot: 0))  // not running yet: ignored
        #expect(!applied2)
        let applied3 = run.apply(.submitted(slot: 0, batchID: "batch_1"))
        #expect(applied3)
        #expect(run.runningSlots == [0])
        let applied4 = run.apply(.downloaded(slot: 0))
        #expect(applied4)
        let retry = JobRun.RetryPart(part: 0, file: "retries/0000-attempt2.jsonl", requestCount: 1, inputTokens: 10)
        let applied5 = run.apply(.merged(slot: 0, counts: .init(succeeded: 2, failed: 1), retry: retry, now: 150, notBefore: 160))
        #expect(applied5)
        #expect(run.batches.count == 2)
        #expect(run.batches[1].attempt == 2 && run.batches[1].state == .queued && run.batches[1].notBefore == 160)
        #expect(run.batches[0].counts?.retried == 1)
        #expect(run.lastProgressAt == 150)

        // The last attempt's failures are reported, not retried.
        run.apply(.submitting(slot: 1))
        run.apply(.submitted(slot: 1, batchID: "batch_2"))
        run.apply(.downloaded(slot: 1))
        run.apply(.merged(slot: 1, counts: .init(failed: 1), retry: retry, now: 170, notBefore: 180))
        #expect(run.batches.count == 2 && run.isSettled)
        let applied6 = run.apply(.finished)
        #expect(applied6)
        #expect(run.phase == .completed)
    }

    @Test func aTokenLimitedBatchIsQueuedAgainUnderTheSameSlot() throws {
        var run = JobRun(plan: try plan(parts: 1), maxAttempts: 3, now: 100)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "batch_refused"))
        let applied7 = run.apply(.tokenLimited(slot: 0, notBefore: 130))
        #expect(applied7)
        let slot = run.batches[0]
        #expect(slot.state == .queued && slot.batchID == nil && slot.refusedBatchIDs == ["batch_refused"])
        #expect(slot.tokenLimited == 1 && slot.notBefore == 130 && slot.attempt == 1)
        #expect(run.batches.count == 1)
    }

    @Test func aCancelStopsSubmissionsAndRetries() throws {
        var run = JobRun(plan: try plan(parts: 2), maxAttempts: 3, now: 100)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "batch_1"))
        let applied8 = run.apply(.cancel)
        #expect(applied8)
        #expect(run.phase == .cancelling && run.batches[1].state == .cancelled)
        let applied9 = run.apply(.submitting(slot: 1))
        #expect(!applied9)
        run.apply(.downloaded(slot: 0))
        let retry = JobRun.RetryPart(part: 0, file: "x", requestCount: 2, inputTokens: 20)
        run.apply(.merged(slot: 0, counts: .init(succeeded: 1, missing: 2), retry: retry, now: 120, notBefore: 130))
        #expect(run.batches.count == 2)  // no attempt 2 after a cancel
        let applied10 = run.apply(.finished)
        #expect(applied10 && run.phase == .cancelled)
    }

    @Test func noProgressForTheQueueTimeoutFailsTheJobAndKeepsWhatFinished() throws {
        var run = JobRun(plan: try plan(parts: 2), maxAttempts: 3, now: 100)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "batch_1"))
        run.apply(.downloaded(slot: 0))
        run.apply(.merged(slot: 0, counts: .init(succeeded: 3), retry: nil, now: 110, notBefore: 110))
        let applied11 = run.apply(.timedOut(reason: "no progress"))
        #expect(applied11)
        #expect(run.phase == .failed && run.failure == "no progress")
        #expect(run.batches[0].state == .merged && run.batches[1].state == .failed)
        #expect(run.isSettled)
        let applied12 = run.apply(.finished)  // already ended
        #expect(!applied12)
    }

    @Test func aFailedSlotFailsTheJobOnceEverythingSettled() throws {
        var run = JobRun(plan: try plan(parts: 2), maxAttempts: 3, now: 100)
        run.apply(.slotFailed(slot: 1, reason: "batch failed"))
        let applied13 = run.apply(.finished)  // slot 0 still queued
        #expect(!applied13)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "b"))
        run.apply(.downloaded(slot: 0))
        run.apply(.merged(slot: 0, counts: .init(succeeded: 3), retry: nil, now: 110, notBefore: 110))
        let applied14 = run.apply(.finished)
        #expect(applied14)
        #expect(run.phase == .failed && run.failure?.contains("part 1") == true)
    }

    @Test func aRetryByHandReopensAnEndedJobWithTheNextAttempt() throws {
        var run = JobRun(plan: try plan(parts: 1), maxAttempts: 1, now: 100)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "b"))
        run.apply(.downloaded(slot: 0))
        run.apply(.merged(slot: 0, counts: .init(succeeded: 2, failed: 1), retry: nil, now: 110, notBefore: 110))
        run.apply(.finished)
        let retry = JobRun.RetryPart(part: 0, file: "retries/0000-attempt2.jsonl", requestCount: 1, inputTokens: 10)
        let applied15 = run.apply(.retry([retry], now: 200))
        #expect(applied15)
        #expect(run.phase == .running && run.batches.last?.attempt == 2 && run.batches.last?.state == .queued)
    }

    @Test func jobJSONRoundTrips() throws {
        var run = JobRun(plan: try plan(parts: 2), maxAttempts: 3, now: 100)
        run.apply(.submitting(slot: 0))
        run.apply(.submitted(slot: 0, batchID: "batch_1"))
        let data = try JSONEncoder().encode(run)
        #expect(try JSONDecoder().decode(JobRun.self, from: data) == run)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"batch_id\":\"batch_1\"") && text.contains("\"max_attempts\":3"))
    }
}
