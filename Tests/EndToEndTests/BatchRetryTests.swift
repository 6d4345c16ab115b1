import BatchService
import Foundation
import OpenAIClient
import Testing
import TestSupport

/// A retry by hand of a single batch against the simulator over real HTTP, with request failures injected: the
/// retries merge into the batch's own `docs/` and `index.json`, a 400 line stays failed unless `all`, and the
/// simulator holds exactly one batch per attempt.
@Suite("Retry of a single batch against the simulator")
struct BatchRetryTests {
    static func run(_ harness: JobSimulatorHarness, _ coordinator: BatchCoordinator, lines: Int) async throws -> String {
        let text = (1...lines).map { JobSimulatorHarness.line("r-\($0)") }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: harness.workspace.inputsDirectory + "/retry.jsonl"))
        let result = try await coordinator.run(RunRequest(submission: SubmitRequest(input: .path("retry.jsonl"), jobName: "retry-e2e"), pollInterval: 0.02))
        #expect(result.run.phase == .completed, "\(result.run.failure ?? "")")
        return result.batch.id
    }

    @Test func retriesOf500sEndWithEveryLineDoneAndOneBatchPerAttempt() async throws {
        let harness = try await JobSimulatorHarness { $0.requestFailureRate = 0.4; $0.requestFailureStatuses = [500] }
        defer { Task { await harness.stop() } }
        let coordinator = harness.coordinator()
        let id = try await Self.run(harness, coordinator, lines: 20)
        let folder = harness.workspace.outputsDirectory + "/" + id
        let failedAtFirst = try JobSimulatorHarness.items(folder).values.filter { $0["status"] as? String == "error" }.count
        #expect(failedAtFirst > 0)

        var attempts = 1
        while attempts < 20 {
            let retry: BatchRetry
            do {
                retry = try await coordinator.retryBatch(id: id, all: false)
            } catch {
                #expect(error.kind == .conflict && error.message.contains("no failed or missing line"), "\(error.message)")
                break
            }
            attempts += 1
            #expect(retry.attempt == attempts)
            #expect(retry.state == .merged, "\(retry.failure ?? "")")
        }
        #expect(attempts > 1)
        let items = try JobSimulatorHarness.items(folder)
        #expect(items.count == 20)
        #expect(items.values.allSatisfy { $0["status"] as? String == "processed" }, "\(items.values.filter { $0["status"] as? String != "processed" })")
        // Every document in the batch's one docs/ folder, each item naming the attempt that produced it.
        for item in items.values {
            let file = try #require(item["file"] as? String)
            #expect(FileManager.default.fileExists(atPath: folder + "/docs/" + file))
        }
        #expect(items.values.contains { ($0["attempt"] as? Int ?? 1) > 1 })
        let batches = try await harness.simulatorBatches()
        #expect(batches.count == attempts)
        #expect(batches.filter { $0.metadata?["retry_of"] == id }.count == attempts - 1)
    }

    @Test func a400LineStaysFailedUnlessAll() async throws {
        let harness = try await JobSimulatorHarness { $0.requestFailureRate = 0.3; $0.requestFailureStatuses = [400] }
        defer { Task { await harness.stop() } }
        let coordinator = harness.coordinator()
        let id = try await Self.run(harness, coordinator, lines: 12)
        let folder = harness.workspace.outputsDirectory + "/" + id
        let failed = try JobSimulatorHarness.items(folder).values.filter { $0["status"] as? String == "error" }.count
        #expect(failed > 0)

        await #expect {
            _ = try await coordinator.retryBatch(id: id, all: false)
        } throws: { error in
            (error as? BatchServiceError)?.kind == .conflict && (error as? BatchServiceError)?.message.contains("\(failed) line(s) failed for good") == true
        }
        #expect(try await harness.simulatorBatches().count == 1)

        let retry = try await coordinator.retryBatch(id: id, all: true)
        #expect(retry.attempt == 2)
        #expect(retry.requestCount == failed)
        #expect(retry.state == .merged)
        #expect(retry.totals?.requests == 12)
        #expect(try await harness.simulatorBatches().count == 2)
    }
}
