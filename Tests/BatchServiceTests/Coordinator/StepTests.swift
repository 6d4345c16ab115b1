import BatchCore
import Foundation
import OpenAIClient
import OpenAISimulator
import OutputParser
import Testing
import TestSupport

@testable import BatchService

@Suite("Step by step: status, wait, download, parse, list, cancel")
struct StepTests {
    @Test func waitTimesOutThenFollowsTheBatchToTheEnd() async throws {
        let fixture = try ServiceFixture.start { $0.requestLatency = .milliseconds(150) }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(6)))))
        let id = submitted.batch.id

        let timedOut = try #require(await serviceError { try await coordinator.wait(id: id, pollInterval: 0.05, timeout: 0.2) })
        #expect(timedOut.kind == .timedOut && timedOut.kind.status == 504)
        #expect(timedOut.message.contains(id))

        let batch = try await coordinator.wait(id: id, pollInterval: 0.05, timeout: 30)
        #expect(batch.status == .completed)
        #expect(batch.requestCounts == BatchRequestCounts(total: 6, completed: 6, failed: 0))
        let stored = try #require(BatchFolder(path: submitted.outputDirectory).readBatch())
        #expect(stored.status == .completed)
        #expect(fixture.logs.all.contains { $0.contains("batch progress") && $0.contains("status=in_progress") })
        #expect(fixture.logs.all.contains { $0.contains("batch progress") && $0.contains("status=completed") && $0.contains("completed=6") })
        let status = try await coordinator.batch(id: id)
        #expect(status.status == .completed)
    }

    @Test func aPollThatChangesNothingLeavesBatchJSONAlone() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(3)))))
        let id = submitted.batch.id
        _ = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        let path = submitted.outputDirectory + "/batch.json"
        func inode() throws -> UInt64 {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64)
        }
        // Every atomic write renames a new file into place, so an unchanged inode means no write (no fsync).
        let before = try inode()
        let again = try await coordinator.batch(id: id)
        #expect(again.status == .completed)
        #expect(try inode() == before)
        #expect(BatchFolder(path: submitted.outputDirectory).readBatch() == again)
    }

    @Test func downloadIsAConflictUntilResultsExist() async throws {
        // 5 requests of 400 ms: the download right after the submit meets a batch still running, even under load.
        let fixture = try ServiceFixture.start { $0.requestLatency = .milliseconds(400) }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(5)))))
        let conflict = try #require(await serviceError { try await coordinator.download(id: submitted.batch.id) })
        #expect(conflict.kind == .conflict && conflict.kind.status == 409)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/output.jsonl"))
    }

    @Test func downloadWritesTheResultsAndAccountsForEveryRequest() async throws {
        let fixture = try ServiceFixture.start { $0.requestFailureRate = 0.4 }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(20)))))
        let id = submitted.batch.id
        let batch = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        let result = try await coordinator.download(id: id)

        let outputPath = try #require(result.outputFile)
        let errorsPath = try #require(result.errorsFile)
        #expect(result.missingCustomIDs.isEmpty)
        // The files are the backend's bytes, fetched independently here.
        let client = fixture.client()
        let control = fixture.directory.path + "/control-output"
        _ = try await client.downloadFileContent(id: try #require(batch.outputFileID), to: control)
        #expect(ServiceFixture.bytes(outputPath) == ServiceFixture.bytes(control))
        let output = String(decoding: try #require(ServiceFixture.bytes(outputPath)), as: UTF8.self).split(separator: "\n")
        let errors = String(decoding: try #require(ServiceFixture.bytes(errorsPath)), as: UTF8.self).split(separator: "\n")
        #expect(output.count + errors.count == 20)
        #expect(errors.count == batch.requestCounts?.failed)
        #expect(fixture.logs.all.contains { $0.contains("downloaded with failures") && $0.contains("failed=\(errors.count)") })

        // Downloading again rewrites the same bytes.
        _ = try await coordinator.download(id: id)
        #expect(ServiceFixture.bytes(outputPath) == ServiceFixture.bytes(control))
    }

    @Test func anExpiredBatchKeepsItsPartialResults() async throws {
        let clock = ManualSimulatorClock()
        let fixture = try ServiceFixture.start({ $0.requestLatency = .milliseconds(20) }, clock: clock)
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(60)))))
        let id = submitted.batch.id
        let client = fixture.client()
        try await waitUntil({ try await client.retrieveBatch(id: id).requestCounts?.completed ?? 0 }, satisfies: { $0 >= 3 })
        clock.advance(by: 86_400)

        let batch = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        #expect(batch.status == .expired)
        let result = try await coordinator.download(id: id)
        #expect(result.outputFile != nil && result.errorsFile != nil)
        #expect(result.missingCustomIDs.isEmpty)
        let errors = ServiceFixture.text(result.errorsFile)
        #expect(errors.contains("batch_expired"))
        let index = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(index.processed == batch.requestCounts?.completed)
        #expect(index.failed == batch.requestCounts?.failed)
        #expect(index.processed + index.failed == 60)
    }

    @Test func aCancelledBatchReportsTheRequestsThatNeverRan() async throws {
        let fixture = try ServiceFixture.start {
            $0.requestLatency = .milliseconds(20)
            $0.listCancelledRequests = false
        }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(60)))))
        let id = submitted.batch.id
        try await waitUntil({ try await coordinator.batch(id: id).requestCounts?.completed ?? 0 }, satisfies: { $0 >= 3 })
        let cancelling = try await coordinator.cancel(id: id)
        #expect(cancelling.status == .cancelling || cancelling.status == .cancelled)
        let batch = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        #expect(batch.status == .cancelled)

        let result = try await coordinator.download(id: id)
        let completed = try #require(batch.requestCounts?.completed)
        #expect(completed > 0 && completed < 60)
        #expect(result.errorsFile == nil)
        #expect(result.missingCustomIDs.count == 60 - completed)
        let output = ServiceFixture.text(result.outputFile)
        for missing in result.missingCustomIDs { #expect(!output.contains("\"\(missing)\"")) }
        #expect(fixture.logs.all.contains { $0.contains("downloaded with failures") && $0.contains("missing=\(60 - completed)") })

        // A finished batch cannot be cancelled: the backend's 409 stays a conflict.
        let again = try #require(await serviceError { try await coordinator.cancel(id: id) })
        #expect(again.kind == .conflict)
    }

    @Test func parseNeedsDownloadedResults() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(4)))))
        let id = submitted.batch.id
        let early = try #require(await serviceError { try await coordinator.parse(id: id, force: false, only: nil) })
        #expect(early.kind == .conflict)  // a wrong state, not an unknown batch (issue 11 §10)
        #expect(early.message.contains("download them first"))
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/docs"))

        _ = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        _ = try await coordinator.download(id: id)
        let index = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(index.processed == 4)
        #expect(index.items.map(\.status) == Array(repeating: .processed, count: 4))
        for item in index.items { #expect(FileManager.default.fileExists(atPath: submitted.outputDirectory + "/docs/" + (item.file ?? "-"))) }
        #expect(FileManager.default.fileExists(atPath: submitted.outputDirectory + "/index.json"))
        // Again without force: everything is skipped; `only` narrows the run.
        let again = try await coordinator.parse(id: id, force: false, only: nil)
        #expect(again.skipped == 4 && again.processed == 0)
        let one = try await coordinator.parse(id: id, force: true, only: ["request-2"])
        // …and the index still lists all four: request-2's entry is rewritten, the others stay.
        #expect(one.processed == 1)
        #expect(one.items.map { "\($0.customID ?? "")=\($0.status.rawValue)" }
            == ["request-1=skipped", "request-2=processed", "request-3=skipped", "request-4=skipped"])
    }

    @Test func parsesOfOneBatchAtOnceDoNotTrampleEachOther() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(200)))))
        let id = submitted.batch.id
        _ = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        _ = try await coordinator.download(id: id)
        let indexes = try await withThrowingTaskGroup(of: ParseIndex.self) { group in
            for _ in 0..<3 { group.addTask { try await coordinator.parse(id: id, force: true, only: nil) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(indexes.allSatisfy { $0.processed == 200 })
        #expect(ServiceFixture.tree(submitted.outputDirectory + "/docs").count == 200)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/.docs.partial"))
    }

    @Test func pumlTopicsOfThePromptTemplatesBecomeDiagrams() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let prompts = fixture.directory.path + "/prompts"
        try FileManager.default.createDirectory(atPath: prompts, withIntermediateDirectories: true)
        try Data("---\nformat: puml\n---\nDraw {{segment}}\n".utf8).write(to: URL(fileURLWithPath: prompts + "/diagram.md"))
        let coordinator = BatchCoordinator(backend: fixture.client(), workspace: fixture.workspace, logger: fixture.logs.logger, promptsDirectory: prompts)
        let lines = ["diagram", "summary"].map { topic in
            #"{"custom_id":"billing/\#(topic)/seg-001","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}}"#
        }
        let result = try await coordinator.run(RunRequest(submission: SubmitRequest(input: .lines(lines)), pollInterval: 0.02))
        let files = Set(try #require(result.index).items.compactMap(\.file))
        #expect(files == ["billing/diagram/seg-001.puml", "billing/summary/seg-001.md"])
        #expect(FileManager.default.fileExists(atPath: result.outputDirectory + "/docs/billing/final.md"))
    }

    @Test func listShowsWhatExistsLocally() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let mine = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(2)))))
        // A batch made elsewhere (straight through the client) has no folder here.
        let client = fixture.client()
        let file = try await client.uploadFile(path: mine.outputDirectory + "/input.jsonl", filename: "x.jsonl", purpose: "batch")
        let foreign = try await client.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))

        let listing = try await coordinator.list(after: nil, limit: 10)
        #expect(listing.batches.map(\.batch.id) == [foreign.id, mine.batch.id])
        #expect(listing.batches[0].local == nil)
        let local = try #require(listing.batches[1].local)
        #expect(local.outputDirectory == mine.outputDirectory)
        #expect(local.files == ["batch.json", "input.jsonl", "submission.json"])
        #expect(!local.hasDocs)
        let page = try await coordinator.list(after: foreign.id, limit: 1)
        #expect(page.batches.map(\.batch.id) == [mine.batch.id])

        #expect(try #require(await serviceError { try await coordinator.list(after: nil, limit: 0) }).kind == .badRequest)
        #expect(try #require(await serviceError { try await coordinator.list(after: "../x", limit: 5) }).kind == .badRequest)
    }

    @Test func idsAreCheckedAndBackendFailuresMapped() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        for id in ["../etc", "batch/../../x", "", ".hidden", "a b"] {
            #expect(try #require(await serviceError { try await coordinator.download(id: id) }).kind == .badRequest, "\(id)")
            #expect(try #require(await serviceError { try await coordinator.wait(id: id, pollInterval: 1, timeout: 1) }).kind == .badRequest)
        }
        #expect(try #require(await serviceError { try await coordinator.batch(id: "batch_unknown") }).kind == .notFound)
        #expect(try #require(await serviceError { try await coordinator.download(id: "batch_unknown") }).kind == .notFound)
        #expect(!FileManager.default.fileExists(atPath: fixture.workspace.outputsDirectory + "/batch_unknown/batch.json"))

        // The backend fails on every attempt: 502 with its status and request id.
        fixture.simulator.faults.schedule([ScheduledFault(.status(500), count: 20, method: "GET", pathPrefix: "/v1/batches")])
        let failed = try #require(await serviceError { try await coordinator.batch(id: "batch_unknown") })
        #expect(failed.kind == .backendFailed && failed.kind.status == 502)
        #expect(failed.backendStatus == 500)
        #expect(failed.backendRequestID != nil)
        #expect(failed.message.contains("HTTP 500"))
    }
}
