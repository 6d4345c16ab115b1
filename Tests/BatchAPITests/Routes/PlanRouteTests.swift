import BatchAPI
import BatchService
import Foundation
import Testing
import TestSupport

/// `"dry_run": true` on `POST /batches/run` and `/batches/run-file`: 200 with the plan, the backend untouched.
@Suite("Dry-run routes")
struct PlanRouteTests {
    /// `count` lines alternating between two models.
    static func twoModels(_ count: Int) -> String {
        (1...count).map { index in
            let model = index % 2 == 0 ? "gpt-4o" : "gpt-4o-mini"
            return #"{"custom_id":"r-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","max_tokens":50,"messages":[{"role":"user","content":"Topic \#(index)"}]}}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func aDryRunOfAnInputPathAnswersThePlan() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxBatchLines: 2)), inputs: ["job.jsonl": Self.twoModels(7)])
        defer { fixture.remove() }
        let before = try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory)
        let response = try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","job_name":"plan","dry_run":true}"#)
        #expect(response.status == 200, "\(response.text)")
        let plan = try response.object()
        #expect(plan["dry_run"] as? Bool == true)
        #expect(plan["request_count"] as? Int == 7)
        #expect((plan["job_id"] as? String)?.hasPrefix("job_") == true)
        let batches = try #require(plan["batches"] as? [[String: Any]])
        #expect(batches.compactMap { $0["model"] as? String } == ["gpt-4o-mini", "gpt-4o", "gpt-4o-mini", "gpt-4o"])
        #expect(batches.compactMap { $0["request_count"] as? Int } == [2, 2, 2, 1])
        let models = try #require(plan["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["model"] as? String } == ["gpt-4o-mini", "gpt-4o"])
        #expect(models.compactMap { $0["request_count"] as? Int } == [4, 3])
        #expect(models.compactMap { $0["batches"] as? Int } == [2, 2])
        #expect(fixture.backend.calls.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory) == before)
    }

    @Test func aDryRunOfAnUploadAnswersThePlanAndKeepsNothing() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let form = RouteFixture.multipart(fields: [("dry_run", "true")], file: ("requests.jsonl", Array(Self.twoModels(3).utf8)))
        let response = try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", form.contentType)], body: .chunks(form.body.chunks(of: 100))
        )
        #expect(response.status == 200, "\(response.text)")
        #expect((try response.object()["batches"] as? [[String: Any]])?.count == 2)
        #expect(fixture.backend.calls.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory + "/.uploads").isEmpty)
    }

    @Test func aDryRunListsEveryBadLine() async throws {
        let fixture = try RouteFixture.make(inputs: ["bad.jsonl": Self.twoModels(2) + "nope\n" + Self.twoModels(1)])
        defer { fixture.remove() }
        let problem = try RouteFixture.problem(try await fixture.post("/batches/run", json: #"{"input_path":"bad.jsonl","dry_run":true}"#), 422)
        #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [3, 4])
        #expect(fixture.backend.calls.isEmpty)
    }

    @Test func limitsOutOfRangeAre400AndAnInputOverTheJobLimit413() async throws {
        let outOfRange = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxBatchLines: 50_001)), inputs: ["job.jsonl": Self.twoModels(2)])
        defer { outOfRange.remove() }
        _ = try RouteFixture.problem(try await outOfRange.post("/batches/run", json: #"{"input_path":"job.jsonl","dry_run":true}"#), 400)
        let small = try RouteFixture.make(api: APIConfiguration(jobLimits: JobLimits(maxJobBytes: 100)), inputs: ["job.jsonl": Self.twoModels(2)])
        defer { small.remove() }
        _ = try RouteFixture.problem(try await small.post("/batches/run", json: #"{"input_path":"job.jsonl","dry_run":true}"#), 413)
    }

    @Test func dryRunMustBeABoolean() async throws {
        let fixture = try RouteFixture.make(inputs: ["job.jsonl": Self.twoModels(2)])
        defer { fixture.remove() }
        let problem = try RouteFixture.problem(try await fixture.post("/batches/run", json: #"{"input_path":"job.jsonl","dry_run":"maybe"}"#), 400)
        #expect(problem["param"] as? String == "dry_run")
    }
}
