import BatchCore
import Foundation
import Logging
import OpenAIClient
import OpenAISimulator
import Testing
import TestSupport

@testable import BatchService

/// A real `kill -9`: this test bundle is started again as a child process that runs one coordinator
/// (the `childRunsUntilKilled` test, enabled only in the child by its environment); the parent kills it
/// in the middle of a download and resumes the run in-process.
@Suite("Restart after kill -9")
struct KillTests {
    static let environmentKey = "BATCH_SERVICE_CHILD_OUTPUTS"

    @Test func aKilledServiceFinishesItsRunAfterRestart() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.slow(.seconds(8)), count: 1, method: "GET", pathPrefix: "/v1/files/")])
        let input = try fixture.writeInput(ServiceFixture.chatLines(25))
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = try ChildProcess(executable, ["--testing-library", "swift-testing", "--filter", "KillTests/childRunsUntilKilled"], environment: [
            Self.environmentKey: fixture.workspace.outputsDirectory,
            "BATCH_SERVICE_CHILD_INPUTS": fixture.workspace.inputsDirectory,
            "BATCH_SERVICE_CHILD_BASE_URL": fixture.baseURL,
            "BATCH_SERVICE_CHILD_INPUT": input,
        ])
        var downloading: PipelineRun?
        _ = try await fixture.eventually(timeout: .seconds(60)) {
            downloading = fixture.outputEntries().lazy.compactMap { BatchFolder(path: fixture.workspace.outputsDirectory + "/" + $0).readRun() }
                .first { $0.phase == .downloading }
            return downloading != nil
        }
        let run = try #require(downloading, "the child never reached the download")
        // The download's first file request is the one that hangs: the kill lands in the middle of it.
        try await waitUntil({ fixture.simulator.faults.injectedCount }, satisfies: { $0 == 1 })
        child.signal(SIGKILL)
        let ended = try await child.result(timeout: .seconds(20))
        #expect(ended.terminatedBySignal && ended.status == SIGKILL)

        let restarted = fixture.coordinator()
        await restarted.resumeRuns()
        let final = try #require(await restarted.waitForRun(id: run.batchID))
        #expect(final.phase == .completed)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.map(\.id) == [run.batchID])
        try await fixture.expectMatchesUninterruptedRun(try await restarted.batch(id: run.batchID))
    }

    /// The child's side: start a run and keep going until killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[KillTests.environmentKey] != nil))
    func childRunsUntilKilled() async throws {
        let environment = ProcessInfo.processInfo.environment
        let workspace = try Workspace(outputs: try #require(environment[Self.environmentKey]), inputs: try #require(environment["BATCH_SERVICE_CHILD_INPUTS"]))
        let client = OpenAI(configuration: OpenAI.Configuration(baseURL: try #require(environment["BATCH_SERVICE_CHILD_BASE_URL"]), apiKey: ServiceFixture.apiKey),
                            logger: Logger(label: "child") { _ in SwiftLogNoOpLogHandler() })
        let coordinator = BatchCoordinator(backend: client, workspace: workspace, logger: Logger(label: "child") { _ in SwiftLogNoOpLogHandler() })
        let submitted = try await coordinator.startRun(RunRequest(
            submission: SubmitRequest(input: .path(try #require(environment["BATCH_SERVICE_CHILD_INPUT"])), jobName: "killed"), pollInterval: 0.02
        ))
        _ = await coordinator.waitForRun(id: submitted.batch.id)
        Issue.record("the parent should have killed this process during the download")
    }
}
