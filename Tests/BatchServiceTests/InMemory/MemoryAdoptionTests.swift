import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// A create whose answer never came (a timeout, a dropped connection, a 5xx, a `kill -9`): the batch it
/// made is found by its submission token and adopted, and no second batch is ever created.
@Suite("Submit, unanswered creates, in memory")
struct MemoryAdoptionTests {
    @Test func anAmbiguousCreateAdoptsTheBatchItMade() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.makeNextAmbiguous(.createBatch)
        let result = try await fixture.coordinator().submit(try fixture.submission(jobName: "lost"))

        // The batch exists upstream though the answer was lost: it is found, not made again.
        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile, .createBatch, .listBatches])
        #expect(fixture.backend.allBatches.map(\.id) == [result.batch.id])
        #expect(!result.reused)
        #expect(fixture.outputEntries() == [result.batch.id])
        let record = try #require(BatchFolder(path: result.outputDirectory).readSubmission())
        #expect(record.token == result.batch.metadata?[OpenAI.submissionMetadataKey])
        #expect(record.attempt == 1)
    }

    @Test func aLostCreateThatMadeNothingKeepsItsUploadAndTheNextSubmissionCreatesOnce() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.failNext(.createBatch, with: InMemoryBackend.serverError())
        let error = try #require(await serviceError { try await fixture.coordinator().submit(try fixture.submission(jobName: "retry")) })

        // A 5xx may come after the batch was made: the upload it would use stays, and so does the pending create.
        #expect(error.kind == .backendFailed && error.isTransient)
        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile, .createBatch, .listBatches])
        let uploaded = try #require(fixture.backend.fileIDs.first)
        #expect(fixture.backend.fileIDs.count == 1)
        #expect(fixture.pendingCreates().count == 1)

        let again = try await fixture.coordinator().submit(try fixture.submission(jobName: "retry"))
        #expect(Array(fixture.backend.calls.map(\.operation).dropFirst(3)) == [.listBatches, .retrieveFile, .createBatch])
        #expect(fixture.backend.allBatches.map(\.id) == [again.batch.id])
        #expect(again.batch.inputFileID == uploaded && fixture.backend.fileIDs == [uploaded])
        #expect(fixture.outputEntries() == [again.batch.id])
    }

    @Test func aCrashWhileTheCreateIsInFlightIsAdoptedAfterTheRestart() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let request = try fixture.submission(jobName: "crash")
        // The backend makes the batch; the answer never reaches the process, which is then gone.
        let hold = fixture.backend.holdAnswerOfNext(.createBatch)
        let crashed = Task { try await fixture.coordinator().submit(request) }
        try await waitUntil({ hold.isHolding }, satisfies: { $0 })
        let made = try #require(fixture.backend.allBatches.first)
        #expect(fixture.pendingCreates().count == 1)

        // The restart: a new coordinator tidies what the crash left, and the same run is asked for again.
        let restarted = fixture.coordinator()
        await restarted.resumeRuns()
        let result = try await restarted.run(RunRequest(submission: request, pollInterval: 0.01))
        #expect(result.batch.id == made.id)
        #expect(result.run.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.allBatches.count == 1)
        #expect(fixture.pendingCreates().isEmpty)
        // The dead process's staging folder and mark are still there: it is alive in this test's process.
        #expect(fixture.outputEntries().filter { !$0.hasPrefix(".staging-") && !$0.hasPrefix(".owner-") } == [made.id])

        // The dead process's call, let go, changes nothing.
        crashed.cancel()
        _ = try? await crashed.value
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.outputEntries() == [made.id])
    }

    @Test func forceTakesTheNextAttemptAndAFreshToken() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(try fixture.submission(jobName: "again"))
        let forced = try await coordinator.submit(try fixture.submission(jobName: "again", force: true))

        let key = SubmissionKey(inputSHA256: SHA256.hex(of: Array(ServiceFixture.chatLines(5).utf8)), jobName: "again")
        let tokens = [first, forced].map { $0.batch.metadata?[OpenAI.submissionMetadataKey] }
        // Deterministic: the same input, job, endpoint, model and attempt always give the same token.
        #expect(tokens == [1, 2].map { SubmissionToken.make(key: key, endpoint: "/v1/chat/completions", model: "gpt-4o-mini", attempt: $0) })
        #expect(BatchFolder(path: forced.outputDirectory).readSubmission()?.attempt == 2)
        #expect(fixture.backend.count(.createBatch) == 2)
    }
}
