import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// Wait, download and parse over the in-memory backend, each batch driven to the state the test needs.
@Suite("Steps, in memory")
struct MemoryStepTests {
    @Test(arguments: [BatchStatus.completed, .failed, .expired, .cancelled])
    func waitFollowsTheBatchToItsEnd(end: BatchStatus) async throws {
        let fixture = try MemoryFixture.make(progression: .onePerRetrieve(end: end))
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission()).batch.id

        let batch = try await coordinator.wait(id: id, pollInterval: 0.001, timeout: 30)

        #expect(batch.status == end)
        // validating → in_progress → finalizing → the end: one retrieve per step, none after the end.
        #expect(fixture.backend.count(.retrieveBatch) == 3)
        let stored = try #require(BatchFolder(path: fixture.workspace.outputsDirectory + "/" + id).readBatch())
        #expect(stored.status == end)
    }

    @Test func waitGivesUpAtItsTimeoutAndSaysWhere() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission()).batch.id
        fixture.backend.setStatus(id, .inProgress, completed: 2)

        let error = try #require(await serviceError { try await coordinator.wait(id: id, pollInterval: 0.001, timeout: 0) })
        #expect(error.kind == .timedOut)
        #expect(error.message.contains("still in_progress") && error.message.contains("2 of 5 completed"))
    }

    @Test func anUnknownBatchIsNotFoundAndABadIDIsABadRequest() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        #expect(await serviceError { try await coordinator.wait(id: "batch_nope", pollInterval: 0.001, timeout: 1) }?.kind == .notFound)
        #expect(await serviceError { try await coordinator.batch(id: "../etc") }?.kind == .badRequest)
        #expect(fixture.backend.calls.map(\.description) == ["retrieveBatch(batch_nope)"])
    }

    @Test(arguments: [BatchStatus.validating, .inProgress, .finalizing, .failed])
    func downloadIsAConflictUntilThereAreResults(status: BatchStatus) async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission()).batch.id
        fixture.backend.setStatus(id, status)

        let error = try #require(await serviceError { try await coordinator.download(id: id) })
        #expect(error.kind == .conflict && error.kind.status == 409)
        #expect(error.message.contains(status.rawValue))
        #expect(fixture.backend.count(.downloadFileContent) == 0)
    }

    @Test func downloadWritesBothFilesAndNamesTheMissingIDs() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission(5)).batch.id
        fixture.backend.finish(id, as: .completed, outcome: InMemoryBackend.Outcome(failing: ["request-2"], missing: ["request-4"]))

        let result = try await coordinator.download(id: id)

        #expect(result.batch.status == .completed)
        #expect(result.missingCustomIDs == ["request-4"])
        let output = ServiceFixture.text(result.outputFile)
        #expect(output.split(separator: "\n").count == 3)
        #expect(output.contains(InMemoryBackend.answer(to: "request-5")))
        #expect(ServiceFixture.text(result.errorsFile).contains("\"custom_id\":\"request-2\""))
        #expect(fixture.backend.count(.downloadFileContent) == 2)
    }

    @Test func anExpiredBatchKeepsItsPartialResults() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission(5)).batch.id
        fixture.backend.setStatus(id, .inProgress, completed: 2)
        fixture.backend.setStatus(id, .expired)

        let result = try await coordinator.download(id: id)
        #expect(result.missingCustomIDs.isEmpty)
        #expect(ServiceFixture.text(result.outputFile).split(separator: "\n").count == 2)
        #expect(ServiceFixture.text(result.errorsFile).components(separatedBy: "batch_expired").count - 1 == 3)

        let index = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(index.processed == 2 && index.failed == 3)
        #expect(index.processed == result.batch.requestCounts?.completed)
        #expect(index.failed == result.batch.requestCounts?.failed)
    }

    @Test func aCancelledBatchReportsTheRequestsThatNeverRan() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission(4)).batch.id
        fixture.backend.setStatus(id, .inProgress, completed: 1)
        #expect(try await coordinator.cancel(id: id).status == .cancelling)
        // Cancelling twice is the backend's 409, mapped as a conflict.
        #expect(await serviceError { try await coordinator.cancel(id: id) }?.kind == .conflict)
        fixture.backend.finish(id, as: .cancelled)

        let result = try await coordinator.download(id: id)
        #expect(result.batch.status == .cancelled)
        #expect(ServiceFixture.text(result.errorsFile).components(separatedBy: "batch_cancelled").count - 1 == 3)
        #expect(result.missingCustomIDs.isEmpty)
    }

    @Test func resultFilesTheTestSuppliesAreDownloadedAsTheyAre() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission(2)).batch.id
        let line = #"{"id":"r1","custom_id":"request-1","response":{"status_code":200,"body":{"choices":[{"message":{"role":"assistant","content":"Hand-written."}}]}},"error":null}"#
        fixture.backend.finish(id, as: .completed, output: Array((line + "\n").utf8), errors: nil,
                               counts: BatchRequestCounts(total: 2, completed: 1, failed: 0))

        let result = try await coordinator.download(id: id)
        #expect(ServiceFixture.text(result.outputFile) == line + "\n")
        #expect(result.errorsFile == nil)
        #expect(result.missingCustomIDs == ["request-2"])
    }

    @Test func aBrokenDownloadLeavesNoFile() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(try fixture.submission())
        fixture.backend.finish(submitted.batch.id, as: .completed)
        fixture.backend.failNext(.downloadFileContent, with: InMemoryBackend.connectionLost())

        let error = try #require(await serviceError { try await coordinator.download(id: submitted.batch.id) })
        #expect(error.kind == .backendFailed && error.isTransient)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/output.jsonl"))
        // The next try succeeds.
        #expect(try await coordinator.download(id: submitted.batch.id).outputFile != nil)
    }

    @Test func parseWritesOneDocumentPerAnswerAndSkipsThemTheSecondTime() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(try fixture.submission(3))
        let id = submitted.batch.id
        // Before a download there is nothing to parse: a wrong state, 409 (issue 11 §10).
        #expect(await serviceError { try await coordinator.parse(id: id, force: false, only: nil) }?.kind == .conflict)
        fixture.backend.finish(id, as: .completed)
        _ = try await coordinator.download(id: id)

        let first = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(first.processed == 3 && first.skipped == 0 && first.failed == 0)
        let document = try String(contentsOfFile: submitted.outputDirectory + "/docs/request-2.md", encoding: .utf8)
        #expect(document.contains(InMemoryBackend.answer(to: "request-2")))
        let second = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(second.processed == 0 && second.skipped == 3)
        let only = try await coordinator.parse(id: id, force: true, only: ["request-1"])
        #expect(only.processed == 1)
    }

    @Test func listIsNewestFirstAndPagesWithAfter() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        var ids: [String] = []
        for index in 1...3 {
            ids.append(try await coordinator.submit(try fixture.submission(jobName: "job-\(index)")).batch.id)
        }
        let first = try await coordinator.list(after: nil, limit: 2)
        #expect(first.batches.map(\.batch.id) == [ids[2], ids[1]])
        #expect(first.hasMore && first.lastID == ids[1])
        #expect(first.batches.allSatisfy { $0.local?.files.contains("input.jsonl") == true })
        let rest = try await coordinator.list(after: first.lastID, limit: 2)
        #expect(rest.batches.map(\.batch.id) == [ids[0]])
        #expect(!rest.hasMore)
        #expect(await serviceError { try await coordinator.list(after: nil, limit: 0) }?.kind == .badRequest)
    }
}
