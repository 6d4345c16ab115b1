import BatchCore
import Foundation
import OpenAIClient
import OpenAISimulator
import Testing
import TestSupport

@testable import BatchService

@Suite("Run: submit → wait → download → parse, durable")
struct RunTests {
    @Test func runsTheWholePipeline() async throws {
        let fixture = try ServiceFixture.start { $0.requestFailureRate = 0.25 }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let path = try fixture.writeInput(ServiceFixture.chatLines(12), name: "sample_input.jsonl")
        let request = RunRequest(submission: SubmitRequest(input: .path("inputs/" + path), jobName: "demo"), pollInterval: 0.02)

        let result = try await coordinator.run(request)

        #expect(result.run.phase == .completed)
        #expect(result.run.batchStatus == "completed")
        #expect(result.batch.status == .completed)
        #expect(!result.reused)
        let download = try #require(result.download)
        #expect(download.missingCustomIDs.isEmpty)
        let index = try #require(result.index)
        let counts = try #require(result.batch.requestCounts)
        #expect(index.processed == counts.completed && index.failed == counts.failed && counts.total == 12)
        #expect(counts.failed > 0)
        // The durable state says the same, and a batch that ended with failures says so.
        #expect(BatchFolder(path: result.outputDirectory).readRun() == result.run)
        #expect(await coordinator.runState(id: result.batch.id) == result.run)
        #expect(download.errorsFile != nil)
        try await fixture.expectMatchesUninterruptedRun(result.batch)

        // The same input and job name again: the finished run, as it stands, without a new batch.
        let again = try await coordinator.run(request)
        #expect(again.reused && again.batch.id == result.batch.id)
        #expect(again.run.phase == .completed)
        #expect(again.index == index)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.count == 1)
    }

    @Test func aRunWithoutParsingStopsAfterTheDownload() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let request = RunRequest(submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(3)))), pollInterval: 0.02, doParse: false)
        let result = try await fixture.coordinator().run(request)
        #expect(result.run.phase == .completed && !result.run.doParse)
        #expect(result.index == nil)
        #expect(result.download?.outputFile != nil)
        #expect(!FileManager.default.fileExists(atPath: result.outputDirectory + "/docs"))
    }

    @Test func startRunReturnsAtOnceAndTheRunGoesOn() async throws {
        let fixture = try ServiceFixture.start { $0.requestLatency = .milliseconds(20) }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let request = RunRequest(submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(15)))), pollInterval: 0.02)
        let caller = Task { try await coordinator.startRun(request) }
        let submitted = try await caller.value
        #expect(!submitted.batch.status.isTerminal)
        #expect(await coordinator.runState(id: submitted.batch.id)?.phase == .waiting)
        // The caller going away changes nothing.
        caller.cancel()
        let final = try #require(await coordinator.waitForRun(id: submitted.batch.id))
        #expect(final.phase == .completed)
        #expect(FileManager.default.fileExists(atPath: submitted.outputDirectory + "/index.json"))
        // A run awaited by a second caller while it is going joins it.
        let run = try await coordinator.run(RunRequest(submission: request.submission, pollInterval: 0.02))
        #expect(run.reused && run.batch.id == submitted.batch.id && run.run.phase == .completed)
    }

    @Test func aBatchThatFailsEndsTheRunWithItsErrors() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        await fixture.simulator.failNextBatchesWithTokenLimit(1)
        let coordinator = fixture.coordinator()
        let path = try fixture.writeInput(ServiceFixture.chatLines(3))
        let result = try await coordinator.run(RunRequest(submission: SubmitRequest(input: .path(path), jobName: "x"), pollInterval: 0.02))
        #expect(result.run.phase == .failed)
        #expect(result.batch.status == .failed)
        #expect(result.run.failure?.contains("without result files") == true)
        #expect(result.batch.errors?.data.first?.code == "token_limit_exceeded")
        #expect(result.download == nil && result.index == nil)
        // A failed batch ran nothing: the same input is submitted again rather than reused.
        let retry = try await coordinator.run(RunRequest(submission: SubmitRequest(input: .path(path), jobName: "x"), pollInterval: 0.02))
        #expect(!retry.reused && retry.batch.id != result.batch.id && retry.run.phase == .completed)
    }

    @Test func aRunThatWaitsTooLongTimesOut() async throws {
        let fixture = try ServiceFixture.start { $0.requestLatency = .milliseconds(200) }
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let request = RunRequest(submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(10)))), pollInterval: 0.05, timeout: 0.3)
        let error = try #require(await serviceError { try await coordinator.run(request) })
        #expect(error.kind == .timedOut)
        let id = try #require(fixture.outputEntries().first)
        let state = try #require(await coordinator.runState(id: id))
        #expect(state.phase == .failed)
        #expect(state.failure?.contains("Gave up waiting") == true)
    }

    @Test func transientBackendFailuresAreRetried() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.startRun(RunRequest(
            submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(3)))), pollInterval: 0.02
        ))
        // More 503s than the client's own attempts: the run's retry outlasts them.
        fixture.simulator.faults.schedule([ScheduledFault(.status(503), count: 6, method: "GET", pathPrefix: "/v1/batches/")])
        let final = try #require(await coordinator.waitForRun(id: submitted.batch.id))
        #expect(final.phase == .completed)
        #expect(fixture.logs.all.contains { $0.contains("retrying") && $0.contains("step=poll") })
    }
}
