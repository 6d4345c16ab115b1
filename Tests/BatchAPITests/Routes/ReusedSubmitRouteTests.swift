import BackendTesting
import BatchAPI
import Foundation
import OpenAIClient
import Testing
import TestSupport

/// A repeated `POST /batches` answers the batch as it is now, records it, and `/metrics` says what its
/// batch gauge counts.
@Suite("Routes in process: a reused submission")
struct ReusedSubmitRouteTests {
    @Test func aReusedSubmissionAnswersAndRecordsTheCurrentStatus() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["ok.jsonl": RouteFixture.chatLines(3)])
        defer { fixture.remove() }
        let id = try await fixture.submit(jobName: "again")
        fixture.backend.finish(id, as: .completed)

        let again = try await fixture.post("/batches", json: #"{"input_path":"ok.jsonl","job_name":"again"}"#)
        #expect(again.status == 200, "\(again.text)")
        let body = try again.object()
        #expect(body["reused"] as? Bool == true)
        #expect(body["status"] as? String == "completed")
        let recorded = try #require(FileManager.default.contents(atPath: fixture.workspace.outputsDirectory + "/\(id)/batch.json"))
        #expect(try JSONDecoder().decode(Batch.self, from: recorded).status == .completed)

        let metrics = try await fixture.get("/metrics").text
        #expect(metrics.contains(#"batch_openai_batches_last_recorded{status="completed"} 1"#), "\(metrics)")
        #expect(metrics.contains("# HELP batch_openai_batches_last_recorded Batches known locally, by the status last recorded"))
        #expect(!metrics.contains(#"batch_openai_batches_last_recorded{status="validating"}"#))
    }
}
