import BackendTesting
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

/// What download and parse keep of a batch's files (issue 11 §3–§5): the input of a batch made elsewhere,
/// no empty errors.jsonl, and `only` checked against the batch.
@Suite("Result files, in memory")
struct MemoryResultFilesTests {
    /// A batch made straight on the backend, as `create` or another tool makes one: no local input.jsonl.
    static func batchMadeElsewhere(_ fixture: MemoryFixture, requests: Int) async throws -> (batch: Batch, inputFileID: String) {
        let path = fixture.directory.path + "/elsewhere.jsonl"
        try Data(ServiceFixture.chatLines(requests).utf8).write(to: URL(fileURLWithPath: path))
        let file = try await fixture.backend.uploadFile(path: path, filename: "elsewhere.jsonl", purpose: "batch")
        let batch = try await fixture.backend.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        return (batch, file.id)
    }

    @Test func aBatchMadeElsewhereHasItsInputFetchedOnceAndItsMissingRequestsListed() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let (batch, inputFileID) = try await Self.batchMadeElsewhere(fixture, requests: 4)
        fixture.backend.finish(batch.id, as: .completed, outcome: InMemoryBackend.Outcome(missing: ["request-3"]))

        let result = try await coordinator.download(id: batch.id)

        #expect(result.missingCustomIDs == ["request-3"])
        let folder = fixture.workspace.outputsDirectory + "/" + batch.id
        #expect(ServiceFixture.text(folder + "/input.jsonl") == ServiceFixture.chatLines(4))
        let index = try await coordinator.parse(id: batch.id, force: false, only: nil)
        #expect(index.missing == 1)
        #expect(index.items.last.map { "\($0.customID ?? "")=\($0.status.rawValue)" } == "request-3=missing")
        // Downloaded once: neither a second download nor the parse fetched it again.
        _ = try await coordinator.download(id: batch.id)
        #expect(fixture.backend.calls.filter { $0.operation == .downloadFileContent && $0.argument == inputFileID }.count == 1)
    }

    @Test func anInputThatCannotBeFetchedLeavesTheResultsUsable() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let (batch, inputFileID) = try await Self.batchMadeElsewhere(fixture, requests: 2)
        fixture.backend.finish(batch.id, as: .completed)
        _ = try await fixture.backend.deleteFile(id: inputFileID)

        let result = try await coordinator.download(id: batch.id)

        #expect(result.outputFile != nil)
        #expect(result.missingCustomIDs.isEmpty)
        #expect(fixture.logs.all.contains { $0.hasPrefix("warning") && $0.contains("input file could not be fetched") && $0.contains(inputFileID) })
        #expect(try await coordinator.parse(id: batch.id, force: false, only: nil).processed == 2)
    }

    @Test func anEmptyErrorFileWritesNoErrorsFile() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(try fixture.submission(1))
        let line = #"{"id":"r1","custom_id":"request-1","response":{"status_code":200,"body":{"choices":[{"message":{"role":"assistant","content":"Fine."}}]}},"error":null}"#
        fixture.backend.finish(submitted.batch.id, as: .completed, output: Array((line + "\n").utf8), errors: [],
                               counts: BatchRequestCounts(total: 1, completed: 1, failed: 0))
        #expect(fixture.backend.peek(batch: submitted.batch.id)?.errorFileID != nil)

        let result = try await coordinator.download(id: submitted.batch.id)

        #expect(result.errorsFile == nil)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/errors.jsonl"))
        let index = try await coordinator.parse(id: submitted.batch.id, force: false, only: nil)
        #expect(index.processed == 1 && index.failed == 0 && index.missing == 0)
        let artifacts = try #require(await coordinator.artifactStore.inventory(of: BatchID(submitted.batch.id)))
        #expect(!artifacts.files.contains("errors.jsonl"))
    }

    @Test func anUnknownOnlyIDIsInvalidInputNamingIt() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let id = try await coordinator.submit(try fixture.submission(2)).batch.id
        fixture.backend.finish(id, as: .completed)
        _ = try await coordinator.download(id: id)

        let error = try #require(await serviceError { try await coordinator.parse(id: id, force: false, only: ["request-1", "nope"]) })

        #expect(error.kind == .invalidInput && error.kind.status == 422)
        #expect(error.message.contains("'nope'") && !error.message.contains("'request-1'"))
    }
}
