import BatchAPI
import BatchService
import Foundation
import Testing
import TestSupport

/// `POST /batches/run` and `/batches/run-file` with an input of more than one batch start a job and answer
/// with it; an input that fits one batch answers as it always did (`batch_id`).
@Suite("Runs that become jobs")
struct RunJobRouteTests {
    @Test func anInputOverTheBatchLimitRunsAsAJobToTheEnd() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxBatchLines: 2)), inputs: ["job.jsonl": PlanRouteTests.twoModels(5)])
        defer { fixture.remove() }
        let response = try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","job_name":"big","poll_interval":0.01}"#)
        #expect(response.status == 200, "\(response.text)")
        let job = try response.object()
        let id = try #require(job["job_id"] as? String)
        #expect(id.hasPrefix("job_"))
        #expect(job["phase"] as? String == "completed")
        #expect(job["batch_id"] == nil)
        let batches = try #require(job["batches"] as? [[String: Any]])
        // Two models, at most two lines a batch: 3 of gpt-4o-mini in 2 batches, 2 of gpt-4o in 1.
        #expect(batches.count == 3)
        #expect(Set(batches.compactMap { $0["batch_id"] as? String }).count == 3)
        let index = try await fixture.get("/jobs/\(id)/files/index.json")
        #expect(index.status == 200)
        let items = try #require(try index.object()["items"] as? [[String: Any]])
        #expect(Set(items.compactMap { $0["custom_id"] as? String }) == Set((1...5).map { "r-\($0)" }))
        #expect(items.allSatisfy { $0["status"] as? String == "processed" })
    }

    @Test func respondAsyncAnswers202WithTheJobAndItsLocation() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxBatchLines: 2)), inputs: ["job.jsonl": PlanRouteTests.twoModels(4)])
        defer { fixture.remove() }
        let response = try await fixture.post(
            "/batches/run", json: #"{"input_path":"job.jsonl","poll_interval":0.01}"#, headers: [("Prefer", "respond-async")]
        )
        #expect(response.status == 202, "\(response.text)")
        let id = try #require(try response.object()["job_id"] as? String)
        #expect(response.header("Location") == "/jobs/\(id)")
        let ended = await fixture.coordinator.waitForJob(id: id)
        #expect(ended?.job.phase == .completed)
        #expect(ended?.totals.succeeded == 4)
    }

    @Test func anInputThatFitsOneBatchStillAnswersWithItsBatch() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxBatchLines: 10)), inputs: ["small.jsonl": PlanRouteTests.twoModels(1)])
        defer { fixture.remove() }
        let response = try await fixture.post("/batches/run", json: #"{"input_path":"small.jsonl","poll_interval":0.01}"#)
        #expect(response.status == 200, "\(response.text)")
        let run = try response.object()
        let id = try #require(run["batch_id"] as? String)
        #expect(run["job_id"] == nil)
        #expect(run["phase"] as? String == "completed")
        // The single batch keeps the seed's layout, with no job folder beside it.
        let entries = try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory).filter { !$0.hasPrefix(".") }
        #expect(entries == [id])
    }

    @Test func aRunOverItsMaximumCostIsRefusedBeforeAnythingIsUploaded() async throws {
        let fixture = try RouteFixture.make(inputs: ["job.jsonl": PlanRouteTests.twoModels(4)])
        defer { fixture.remove() }
        let problem = try RouteFixture.problem(
            try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","max_cost":0.0000001}"#), 400
        )
        #expect((problem["detail"] as? String)?.contains("The upper cost estimate, $") == true, "\(problem)")
        #expect((problem["detail"] as? String)?.contains("is over the maximum of $") == true, "\(problem)")
        #expect(fixture.backend.calls.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory).filter { !$0.hasPrefix(".") }.isEmpty)
        // Within the maximum, the same run goes.
        let fine = try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","max_cost":100,"poll_interval":0.01}"#)
        #expect(fine.status == 200, "\(fine.text)")
    }

    @Test func aDryRunShowsTheCostRange() async throws {
        let fixture = try RouteFixture.make(inputs: ["job.jsonl": PlanRouteTests.twoModels(4)])
        defer { fixture.remove() }
        let plan = try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","dry_run":true}"#).object()
        let cost = try #require(plan["cost"] as? [String: Any])
        let low = try #require(cost["low_usd"] as? Double), high = try #require(cost["high_usd"] as? Double)
        // Every line sets max_tokens 50: the high end adds 4 x 50 output tokens at the output rates.
        #expect(low > 0 && high > low, "\(cost)")
    }
}
