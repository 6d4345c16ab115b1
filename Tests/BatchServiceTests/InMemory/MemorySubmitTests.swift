import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// Submission logic alone, over the in-memory backend: what is called, how often, and what is left behind.
@Suite("Submit, in memory")
struct MemorySubmitTests {
    @Test func uploadsOnceCreatesOnceAndPublishesTheFolder() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let result = try await fixture.coordinator().submit(try fixture.submission(3, jobName: "demo"))

        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile, .createBatch])
        #expect(!result.reused && result.requestCount == 3)
        #expect(result.batch.metadata?["job_name"] == "demo")
        #expect(result.batch.metadata?["input_sha256"] == SHA256.hex(of: Array(ServiceFixture.chatLines(3).utf8)))
        // What was uploaded is the input, byte for byte, and the folder holds it with batch.json.
        #expect(fixture.backend.peek(file: result.batch.inputFileID) == Array(ServiceFixture.chatLines(3).utf8))
        #expect(fixture.outputEntries() == [result.batch.id])
        #expect(BatchFolder(path: result.outputDirectory).readSubmission()?.batchID == result.batch.id)
    }

    @Test func aRepeatedSubmissionReusesTheBatch() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(try fixture.submission(jobName: "same"))
        let again = try await coordinator.submit(try fixture.submission(jobName: "same"))

        #expect(again.reused)
        #expect(again.batch.id == first.batch.id)
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.count(.uploadFile) == 1)
        #expect(fixture.outputEntries() == [first.batch.id])
    }

    @Test func aRepeatAfterARestartReusesTheBatchToo() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let first = try await fixture.coordinator().submit(try fixture.submission(jobName: "same"))
        // A new coordinator knows the submission from its submission.json alone.
        let again = try await fixture.coordinator().submit(try fixture.submission(jobName: "same"))
        #expect(again.reused && again.batch.id == first.batch.id)
        #expect(fixture.backend.count(.createBatch) == 1)
    }

    @Test func forceOrAnotherJobNameSubmitsAgain() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(try fixture.submission(jobName: "same"))
        let forced = try await coordinator.submit(try fixture.submission(jobName: "same", force: true))
        let other = try await coordinator.submit(try fixture.submission(jobName: "other"))

        #expect(!forced.reused && !other.reused)
        #expect(Set([first.batch.id, forced.batch.id, other.batch.id]).count == 3)
        #expect(fixture.backend.count(.createBatch) == 3)
    }

    @Test func anEarlierBatchThatFailedIsNotReused() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(try fixture.submission(jobName: "same"))
        fixture.backend.finish(first.batch.id, as: .failed)
        let again = try await coordinator.submit(try fixture.submission(jobName: "same"))

        #expect(!again.reused && again.batch.id != first.batch.id)
        #expect(fixture.backend.count(.createBatch) == 2)
    }

    @Test func concurrentIdenticalSubmissionsCreateOneBatch() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let request = try fixture.submission(jobName: "race")
        async let a = coordinator.submit(request)
        async let b = coordinator.submit(request)
        let results = try await [a, b]

        #expect(Set(results.map(\.batch.id)).count == 1)
        #expect(results.filter(\.reused).count == 1)
        #expect(fixture.backend.count(.createBatch) == 1)
    }

    @Test func anIdenticalSubmissionWaitsForTheOneInFlight() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let request = try fixture.submission(jobName: "in-flight")
        let hold = fixture.backend.holdNext(.createBatch)
        let first = Task { try await coordinator.submit(request) }
        try await waitUntil({ hold.isHolding }, satisfies: { $0 })
        // The first holds the submission's gate while its create is in flight: the second, wherever it is by the
        // release, can only get past the gate after the first recorded its batch.
        let second = Task { try await coordinator.submit(request) }
        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile, .createBatch])
        hold.release()

        let results = [try await first.value, try await second.value]
        #expect(results.map(\.reused) == [false, true])
        #expect(results[0].batch.id == results[1].batch.id)
        #expect(fixture.backend.count(.createBatch) == 1 && fixture.backend.count(.uploadFile) == 1)
    }

    @Test func aRefusedCreateDeletesTheUploadAndLeavesNothing() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.failNext(.createBatch, with: InMemoryBackend.apiError(400, "Invalid 'endpoint'."))
        let error = try #require(await serviceError { try await fixture.coordinator().submit(try fixture.submission()) })

        #expect(error.kind == .backendFailed && error.kind.status == 502)
        #expect(error.backendStatus == 400)
        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile, .createBatch, .deleteFile])
        #expect(fixture.backend.fileIDs.isEmpty)
        #expect(fixture.backend.allBatches.isEmpty)
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func aFailedUploadCreatesNothing() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.failNext(.uploadFile, with: InMemoryBackend.apiError(413, "File too large.", code: "file_too_large"))
        let error = try #require(await serviceError { try await fixture.coordinator().submit(try fixture.submission()) })

        #expect(error.kind == .backendFailed)
        #expect(error.message.contains("File too large."))
        #expect(fixture.backend.calls.map(\.operation) == [.uploadFile])
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func anInvalidInputNeverReachesTheBackend() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let path = try fixture.writeInput(ServiceFixture.chatLines(2) + "not json\n")
        let error = try #require(await serviceError { try await fixture.coordinator().submit(SubmitRequest(input: .path(path))) })

        #expect(error.kind == .invalidInput)
        #expect(error.issues.compactMap(\.line) == [3])
        #expect(fixture.backend.calls.isEmpty)
    }
}
