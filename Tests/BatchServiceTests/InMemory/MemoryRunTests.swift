import BackendTesting
import Foundation
import OpenAIClient
import OutputParser
import Testing
import TestSupport

@testable import BatchService

/// Whole runs and their resumption over the in-memory backend.
@Suite("Runs, in memory")
struct MemoryRunTests {
    @Test func runsFromSubmitToDocuments() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let result = try await fixture.coordinator().run(RunRequest(submission: try fixture.submission(4, jobName: "whole"), pollInterval: 0.001))

        #expect(result.run.phase == .completed)
        #expect(result.batch.status == .completed)
        #expect(result.index?.processed == 4)
        #expect(result.download?.missingCustomIDs == [])
        #expect(fixture.backend.count(.uploadFile) == 1 && fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.count(.downloadFileContent) == 1)  // no error file: every request succeeded
        #expect(BatchFolder(path: result.outputDirectory).readRun()?.phase == .completed)
        #expect(FileManager.default.fileExists(atPath: result.outputDirectory + "/index.json"))
    }

    @Test func theSameRunAgainReturnsTheFinishedOne() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let request = RunRequest(submission: try fixture.submission(jobName: "twice"), pollInterval: 0.001)
        let first = try await coordinator.run(request)
        let callsAfterFirst = fixture.backend.calls.count
        let again = try await coordinator.run(request)

        #expect(again.reused && again.batch.id == first.batch.id)
        #expect(again.run.phase == .completed && again.index?.processed == 5)
        // Only the reuse check's retrieve: no upload, no create, no download.
        #expect(fixture.backend.calls.dropFirst(callsAfterFirst).map(\.operation) == [.retrieveBatch])
    }

    @Test func transientFailuresWhileWaitingAreRetried() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        fixture.backend.failNext(.retrieveBatch, with: InMemoryBackend.serverError(), times: 2)
        fixture.backend.failNext(.downloadFileContent, with: InMemoryBackend.connectionLost())
        let result = try await fixture.coordinator().run(RunRequest(submission: try fixture.submission(), pollInterval: 0.001))

        #expect(result.run.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.count(.downloadFileContent) == 2)
    }

    @Test func aBatchThatFailsEndsTheRunAsFailed() async throws {
        let fixture = try MemoryFixture.make(progression: .onePerRetrieve(end: .failed))
        defer { fixture.remove() }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.startRun(RunRequest(submission: try fixture.submission(), pollInterval: 0.001))
        let run = try #require(await coordinator.waitForRun(id: submitted.batch.id))

        #expect(run.phase == .failed)
        #expect(fixture.backend.count(.downloadFileContent) == 0)
    }

    @Test func aRunResumesAfterARestartWithoutSubmittingAgain() async throws {
        let fixture = try MemoryFixture.make(progression: .manual)
        defer { fixture.remove() }
        let first = fixture.coordinator()
        let submitted = try await first.startRun(RunRequest(submission: try fixture.submission(3), pollInterval: 0.001))
        let id = submitted.batch.id
        // The run is following the batch, which the backend keeps in progress.
        try await waitUntil({ fixture.backend.count(.retrieveBatch) }, satisfies: { $0 >= 2 })
        #expect(await first.runState(id: id)?.phase == .waiting)
        await first.stopRuns()
        #expect(BatchFolder(path: submitted.outputDirectory).readRun()?.phase == .waiting)

        // While nobody watched, the batch finished; a new coordinator over the same folders takes the run up.
        fixture.backend.finish(id, as: .completed)
        let second = fixture.coordinator()
        await second.resumeRuns()
        let run = try #require(await second.waitForRun(id: id))

        #expect(run.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.count(.uploadFile) == 1)
        let index = try #require(BatchFolder.readJSON(ParseIndex.self, from: submitted.outputDirectory + "/index.json"))
        #expect(index.processed == 3)
        #expect(fixture.logs.all.contains { $0.contains("resuming run") && $0.contains("phase=waiting") })
    }

    @Test func aRunStoppedDuringDownloadFinishesAfterRestart() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let hold = fixture.backend.holdNext(.downloadFileContent)
        let first = fixture.coordinator()
        let submitted = try await first.startRun(RunRequest(submission: try fixture.submission(3), pollInterval: 0.001))
        let id = submitted.batch.id
        // The download hangs; the service stops in the middle of it.
        try await waitUntil({ hold.isHolding }, satisfies: { $0 })
        #expect(await first.runState(id: id)?.phase == .downloading)
        await first.stopRuns()
        #expect(BatchFolder(path: submitted.outputDirectory).readRun()?.phase == .downloading)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/output.jsonl"))

        let second = fixture.coordinator()
        await second.resumeRuns()
        let run = try #require(await second.waitForRun(id: id))
        #expect(run.phase == .completed)
        #expect(fixture.backend.count(.createBatch) == 1)
        #expect(fixture.backend.count(.downloadFileContent) == 2)  // the aborted one and the one after the restart
        let outputFileID = try #require(fixture.backend.peek(batch: id)?.outputFileID)
        #expect(ServiceFixture.bytes(submitted.outputDirectory + "/output.jsonl") == fixture.backend.peek(file: outputFileID))
    }

    @Test func aFinishedRunIsNotResumed() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        _ = try await fixture.coordinator().run(RunRequest(submission: try fixture.submission(), pollInterval: 0.001))
        let calls = fixture.backend.calls.count
        let restarted = fixture.coordinator()
        await restarted.resumeRuns()
        await restarted.stopRuns()
        #expect(fixture.backend.calls.count == calls)
    }
}
