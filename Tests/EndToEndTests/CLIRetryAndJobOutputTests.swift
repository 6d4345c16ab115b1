import BatchService
import Foundation
import Testing
import TestSupport

/// The built binary over the simulator: `retry BATCH_ID [--all]`, and the text output of a job (`run --batches`,
/// `jobs get`) with its USD per model.
@Suite("retry of a batch and a job's text output, from the command line", .serialized, .timeLimit(.minutes(3)))
struct CLIRetryAndJobOutputTests {
    static func environment(_ harness: JobSimulatorHarness) -> [String: String] {
        ["OPENAI_BASE_URL": "http://\(harness.simServer.localAddress!)/v1", "OPENAI_API_KEY": "sk-e2e-jobs"]
    }

    @Test func retryTakesABatchIDAndA400StaysUnlessAll() async throws {
        let harness = try await JobSimulatorHarness { $0.requestFailureRate = 0.3; $0.requestFailureStatuses = [400] }
        defer { Task { await harness.stop() } }
        let coordinator = harness.coordinator()
        let id = try await BatchRetryTests.run(harness, coordinator, lines: 12)
        await coordinator.stopRuns()
        let outputs = ["--outputs", harness.workspace.outputsDirectory]
        let environment = Self.environment(harness)

        let none = try await CLI.run(["retry", id] + outputs, environment: environment)
        #expect(none.status == 1 && none.stderr.contains("failed for good"), "\(none.stdout)\(none.stderr)")
        let unknown = try await CLI.run(["retry", "batch_nothere"] + outputs, environment: environment)
        #expect(unknown.status == 1 && unknown.stderr.contains("Error:"), "\(unknown.stderr)")

        let retried = try await CLI.run(["retry", id, "--all", "--json"] + outputs, environment: environment, timeout: .seconds(120))
        #expect(retried.status == 0, "\(retried.stderr)")
        let retry = try CLI.object(retried)
        #expect(retry["retry_of"] as? String == id)
        #expect(retry["attempt"] as? Int == 2)
        #expect(retry["state"] as? String == "merged")
        #expect(try await harness.simulatorBatches().count == 2)
    }

    @Test func runBatchesShowsEachBatchAndJobsGetShowsUSD() async throws {
        let harness = try await JobSimulatorHarness()
        defer { Task { await harness.stop() } }
        let text = (1...12).map { JobSimulatorHarness.line("r-\($0)") }.joined(separator: "\n") + "\n"
        let input = harness.root.path + "/twelve.jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: input))
        let outputs = ["--outputs", harness.workspace.outputsDirectory]
        let environment = Self.environment(harness)

        let run = try await CLI.run(["run", input, "--max-batch-lines", "5", "--batches", "--poll-interval", "0.05"] + outputs,
                                    environment: environment, timeout: .seconds(120))
        let shown = run.stdout + run.stderr
        #expect(run.status == 0, "\(shown)")
        // The per-batch lines of --batches ("n/5 done, m failed"), not only the summary's rows at the end.
        for part in 0..<3 { #expect(shown.contains("part \(part) attempt 1:"), "\(shown)") }
        #expect(shown.contains("/5 done, 0 failed") && shown.contains("/2 done, 0 failed"), "\(shown)")
        #expect(shown.contains("Usage at Batch API prices") && shown.contains("gpt-4o-mini") && shown.contains("$"), "\(shown)")

        let jobID = try #require(try FileManager.default.contentsOfDirectory(atPath: harness.workspace.outputsDirectory).first { $0.hasPrefix("job_") })
        let get = try await CLI.run(["jobs", "get", jobID] + outputs, environment: environment)
        #expect(get.status == 0, "\(get.stderr)")
        #expect(get.stdout.contains("Usage at Batch API prices") && get.stdout.contains("$"), "\(get.stdout)")
    }
}
