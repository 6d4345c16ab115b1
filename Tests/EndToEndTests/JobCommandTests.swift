import BatchService
import Foundation
import Testing
import TestSupport

/// `batch-openai jobs list|get|cancel` and `retry` on a job that ran in this process over the simulator.
@Suite("Job commands", .serialized, .timeLimit(.minutes(3)))
struct JobCommandTests {
    @Test func listGetRetryAndCancelAJob() async throws {
        let harness = try await JobSimulatorHarness {
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [400]
        }
        let (plan, folder) = try harness.plan(parts: JobSimulatorHarness.ids(20, perPart: 10))
        let coordinator = harness.coordinator()
        _ = try await coordinator.runJob(plan, partsFolder: folder)
        await coordinator.stopRuns()
        let environment = [
            "OPENAI_BASE_URL": "http://\(harness.simServer.localAddress!)/v1", "OPENAI_API_KEY": "sk-e2e-jobs",
        ]
        let outputs = ["--outputs", harness.workspace.outputsDirectory]

        let list = try await CLI.run(["jobs", "list", "--json"] + outputs, environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let listed = try CLI.object(list)["data"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["job_id"] as? String } == [plan.jobID])

        let get = try await CLI.run(["jobs", "get", plan.jobID] + outputs, environment: environment)
        #expect(get.status == 0 && get.stdout.contains("completed") && get.stdout.contains("part 1 attempt 1"), "\(get.stdout)\(get.stderr)")
        let unknown = try await CLI.run(["jobs", "get", "job_nothere"] + outputs, environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("Error:"))

        // The 400s are not retryable: nothing to retry without --all.
        let none = try await CLI.run(["retry", plan.jobID] + outputs, environment: environment)
        #expect(none.status == 1, "\(none.stdout)\(none.stderr)")
        let retried = try await CLI.run(["retry", plan.jobID, "--all", "--json"] + outputs, environment: environment, timeout: .seconds(120))
        #expect(retried.status == 0, "\(retried.stderr)")
        let job = try CLI.object(retried)
        #expect(job["phase"] as? String == "completed")
        #expect((job["batches"] as? [[String: Any]])?.contains { $0["attempt"] as? Int == 2 } == true)

        let cancel = try await CLI.run(["jobs", "cancel", plan.jobID] + outputs, environment: environment)
        #expect(cancel.status == 1 && cancel.stderr.contains("already ended"), "\(cancel.stderr)")
        await harness.stop()
    }
}
