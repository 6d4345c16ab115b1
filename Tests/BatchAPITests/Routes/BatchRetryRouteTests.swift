import BackendTesting
import BatchAPI
import BatchService
import Foundation
import Testing
import TestSupport

/// `POST /batches/{batch_id}/retry`, in process over the in-memory backend: the failed and missing lines of a batch
/// that ended go into a new batch whose results merge into the batch's own `docs/` and `index.json`.
@Suite("Retry of a single batch")
struct BatchRetryRouteTests {
    /// A batch of 5 lines that expired: request-1 missing, request-2 failed with a 400, request-3 and -4 done,
    /// request-5 `batch_expired`.
    static func endedBatch(_ fixture: RouteFixture) async throws -> String {
        let started = try await fixture.post("/batches/run", json: #"{"input_path":"five.jsonl","poll_interval":0.01}"#, headers: [("Prefer", "respond-async")])
        #expect(started.status == 202, "\(started.text)")
        let id = try #require(try started.object()["batch_id"] as? String)
        fixture.backend.finish(id, as: .expired, outcome: InMemoryBackend.Outcome(failing: ["request-2"], missing: ["request-1"], ran: 4))
        let run = await fixture.coordinator.waitForRun(id: id)
        #expect(run?.phase == .completed, "\(String(describing: run))")
        return id
    }

    static func creates(_ fixture: RouteFixture) -> Int {
        fixture.backend.calls.filter { $0.operation == .createBatch }.count
    }

    static func items(_ fixture: RouteFixture, _ id: String) async throws -> [String: [String: Any]] {
        let index = try await fixture.get("/batches/\(id)/files/index.json").object()
        let items = try #require(index["items"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: items.map { ($0["custom_id"] as? String ?? "", $0) })
    }

    @Test func retryableAndMissingLinesGoAgainAndMergeIntoTheBatchsIndex() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["five.jsonl": RouteFixture.chatLines(5)])
        defer { fixture.remove() }
        let id = try await Self.endedBatch(fixture)

        let response = try await fixture.post("/batches/\(id)/retry", headers: [("Prefer", "respond-async")])
        #expect(response.status == 202, "\(response.text)")
        let started = try response.object()
        let retryID = try #require(started["batch_id"] as? String)
        #expect(retryID != id)
        #expect(started["retry_of"] as? String == id)
        #expect(started["attempt"] as? Int == 2)
        #expect(started["requests"] as? Int == 2, "request-1 (missing) and request-5 (batch_expired); not request-2 (400)")
        #expect(response.header("Location") == "/batches/\(retryID)/status")

        // Asked again while it runs: the same retry, no second batch.
        let again = try await fixture.post("/batches/\(id)/retry", headers: [("Prefer", "respond-async")])
        #expect(again.status == 202, "\(again.text)")
        #expect(try again.object()["batch_id"] as? String == retryID)
        #expect(try again.object()["reused"] as? Bool == true)
        #expect(Self.creates(fixture) == 2)

        fixture.backend.finish(retryID, as: .completed)
        let ended = try #require(await fixture.coordinator.waitForBatchRetry(id: id))
        #expect(ended.state == .merged, "\(String(describing: ended.failure))")
        #expect(ended.totals == BatchRetry.Totals(requests: 5, succeeded: 4, failed: 1, missing: 0))

        let items = try await Self.items(fixture, id)
        #expect(items["request-1"]?["status"] as? String == "processed")
        #expect(items["request-1"]?["attempt"] as? Int == 2)
        #expect(items["request-1"]?["batch_id"] as? String == retryID)
        #expect(items["request-5"]?["attempt"] as? Int == 2)
        #expect(items["request-3"]?["attempt"] as? Int == 1)
        #expect(items["request-3"]?["batch_id"] as? String == id)
        #expect(items["request-2"]?["status"] as? String == "error")
        let document = try #require(items["request-1"]?["file"] as? String)
        #expect(FileManager.default.fileExists(atPath: fixture.workspace.outputsDirectory + "/\(id)/docs/" + document))
        // The retry keeps its own folder, without docs/ (its documents moved to the original's).
        #expect(!FileManager.default.fileExists(atPath: fixture.workspace.outputsDirectory + "/\(retryID)/docs/" + document))

        // Only the 400 is left: nothing to retry without all.
        let nothing = try RouteFixture.problem(try await fixture.post("/batches/\(id)/retry", json: "{}"), 409)
        #expect((nothing["detail"] as? String)?.contains("failed for good") == true, "\(nothing)")

        // With all, the 400 line goes too, as attempt 3; the synchronous answer waits for its merge.
        let task = Task { try await fixture.post("/batches/\(id)/retry", json: #"{"all":true}"#) }
        try await waitUntil("attempt 3 is created") { Self.creates(fixture) == 3 }
        // Asked in process while it runs: the running retry, which names its batch.
        let latest = try #require(await fixture.coordinator.startBatchRetry(id: id, all: true).batch?.id)
        fixture.backend.finish(latest, as: .completed)
        let answer = try await task.value
        #expect(answer.status == 200, "\(answer.text)")
        let body = try answer.object()
        #expect(body["attempt"] as? Int == 3)
        #expect(body["state"] as? String == "merged")
        #expect(body["failed"] as? Int == 0)
        #expect(body["succeeded"] as? Int == 5)
        let after = try await Self.items(fixture, id)
        #expect(after["request-2"]?["attempt"] as? Int == 3)
        #expect(after["request-1"]?["attempt"] as? Int == 2)
        #expect(Self.creates(fixture) == 3)
    }

    @Test func unknownBatchRunningBatchAndJobIDAnswerProblems() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["five.jsonl": RouteFixture.chatLines(5)])
        defer { fixture.remove() }
        try RouteFixture.problem(try await fixture.post("/batches/batch_nope/retry"), 404)
        try RouteFixture.problem(try await fixture.post("/batches/batch_x/retry", json: #"{"bogus":1}"#), 400)
        let started = try await fixture.post("/batches/run", json: #"{"input_path":"five.jsonl","poll_interval":0.01}"#, headers: [("Prefer", "respond-async")])
        let id = try #require(try started.object()["batch_id"] as? String)
        let running = try RouteFixture.problem(try await fixture.post("/batches/\(id)/retry"), 409)
        #expect((running["detail"] as? String)?.contains("retry it once it ended") == true, "\(running)")
        fixture.backend.finish(id, as: .completed)
        _ = await fixture.coordinator.waitForRun(id: id)
        let clean = try RouteFixture.problem(try await fixture.post("/batches/\(id)/retry"), 409)
        #expect((clean["detail"] as? String)?.contains("no failed or missing line") == true, "\(clean)")
        #expect(Self.creates(fixture) == 1)
    }
}
