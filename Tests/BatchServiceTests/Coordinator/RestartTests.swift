import BatchCore
import Foundation
import OpenAIClient
import OpenAISimulator
import Testing
import TestSupport

@testable import BatchService

/// A service stopped mid-run (its driver cancelled, nothing more recorded, as after `kill -9`) and a new
/// coordinator on the same outputs folder calling `resumeRuns()`: the run finishes without a second
/// batch, and its files are byte-identical to an uninterrupted pass over the same batch.
@Suite("Restart: runs resume where they were")
struct RestartTests {
    @Test func aRunStoppedDuringWaitFinishesAfterRestart() async throws {
        let fixture = try ServiceFixture.start { $0.requestLatency = .milliseconds(25) }
        defer { Task { try await fixture.stop() } }
        let first = fixture.coordinator()
        let request = RunRequest(submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(30))), jobName: "restart"), pollInterval: 0.02)
        let submitted = try await first.startRun(request)
        let id = submitted.batch.id
        #expect(try await fixture.eventually { await first.runState(id: id)?.batchStatus == "in_progress" })
        await first.stopRuns()
        let stopped = try #require(BatchFolder(path: submitted.outputDirectory).readRun())
        #expect(stopped.phase == .waiting)

        let second = fixture.coordinator()
        await second.resumeRuns()
        let final = try #require(await second.waitForRun(id: id))
        #expect(final.phase == .completed)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.map(\.id) == [id])
        let batch = try await second.batch(id: id)
        try await fixture.expectMatchesUninterruptedRun(batch)
        #expect(fixture.logs.all.contains { $0.contains("resuming run") && $0.contains("phase=waiting") })
    }

    @Test func aRunStoppedDuringDownloadFinishesAfterRestart() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        // The first download of a result file hangs long enough to stop the service in the middle of it.
        fixture.simulator.faults.schedule([ScheduledFault(.slow(.seconds(5)), count: 1, method: "GET", pathPrefix: "/v1/files/")])
        let first = fixture.coordinator()
        let submitted = try await first.startRun(RunRequest(
            submission: SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(25)))), pollInterval: 0.02
        ))
        let id = submitted.batch.id
        #expect(try await fixture.eventually { await first.runState(id: id)?.phase == .downloading })
        // The download's first file request is the one that hangs: the stop lands in the middle of it.
        try await waitUntil({ fixture.simulator.faults.injectedCount }, satisfies: { $0 == 1 })
        let stopping = ContinuousClock.now
        await first.stopRuns()
        #expect(stopping.duration(to: .now) < .seconds(4), "a stopped download is aborted, not waited for")
        #expect(BatchFolder(path: submitted.outputDirectory).readRun()?.phase == .downloading)
        #expect(!FileManager.default.fileExists(atPath: submitted.outputDirectory + "/output.jsonl"))
        // What `kill -9` would have left of the transfer: its hidden temporary file.
        try Data("partial".utf8).write(to: URL(fileURLWithPath: submitted.outputDirectory + "/.output.jsonl.part-killed"))

        let second = fixture.coordinator()
        await second.resumeRuns()
        let final = try #require(await second.waitForRun(id: id))
        #expect(final.phase == .completed)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.count == 1)
        try await fixture.expectMatchesUninterruptedRun(try await second.batch(id: id))
    }

    @Test func aRunCutOffDuringParseFinishesAfterRestart() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(8)))))
        let id = submitted.batch.id
        _ = try await coordinator.wait(id: id, pollInterval: 0.02, timeout: 30)
        _ = try await coordinator.download(id: id)
        // What a crash in the middle of parsing leaves: run.json in `parsing`, half a staged docs tree.
        var run = PipelineRun(batchID: id, doParse: true, pollInterval: 0.02)
        _ = run.apply(.polled(status: "completed", terminal: true, hasResults: true))
        _ = run.apply(.downloaded)
        #expect(run.phase == .parsing)
        try BatchFolder(path: submitted.outputDirectory).writeRun(run)
        let partial = submitted.outputDirectory + "/.docs.partial"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        try Data("half a docu".utf8).write(to: URL(fileURLWithPath: partial + "/request-1.md"))

        let restarted = fixture.coordinator()
        await restarted.resumeRuns()
        let final = try #require(await restarted.waitForRun(id: id))
        #expect(final.phase == .completed)
        try await fixture.expectMatchesUninterruptedRun(try await restarted.batch(id: id))
    }

    @Test func aSubmissionCutOffBeforeItsFolderWasPublishedIsRecovered() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(try fixture.writeInput(ServiceFixture.chatLines(2)))))
        let outputs = fixture.workspace.outputsDirectory
        // A crash after create but before the rename leaves the complete folder under its staging name,
        // and one before create leaves a staging folder without a submission record.
        try FileManager.default.moveItem(atPath: submitted.outputDirectory, toPath: outputs + "/.staging-deadbeef-1")
        try FileManager.default.createDirectory(atPath: outputs + "/.staging-deadbeef-2", withIntermediateDirectories: false)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: outputs + "/.staging-deadbeef-2/input.jsonl"))

        await fixture.coordinator().resumeRuns()
        #expect(fixture.outputEntries() == [submitted.batch.id])
        #expect(BatchFolder(path: submitted.outputDirectory).readSubmission()?.batchID == submitted.batch.id)
    }
}
