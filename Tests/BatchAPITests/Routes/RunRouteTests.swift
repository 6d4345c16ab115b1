import BackendTesting
import BatchAPI
import Foundation
import HTTPServer
import Testing
import TestSupport

/// `POST /batches/run` and `POST /batches/run-file`, in process over the in-memory backend.
@Suite("Routes in process: runs")
struct RunRouteTests {
    @Test func runGoesFromTheInputToTheDocuments() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": RouteFixture.chatLines(4)])
        defer { fixture.remove() }
        let response = try await fixture.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":0.01}"#)
        #expect(response.status == 200, "\(response.text)")
        let object = try response.object()
        #expect(object["phase"] as? String == "completed")
        #expect(object["processed"] as? Int == 4)
        #expect(fixture.backend.count(.createBatch) == 1)
    }

    @Test func respondAsyncAnswers202AndTheRunGoesOn() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": RouteFixture.chatLines(2)])
        defer { fixture.remove() }
        let started = try await fixture.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":0.01}"#,
                                             headers: [("Prefer", "respond-async")])
        #expect(started.status == 202)
        #expect(started.header("Preference-Applied") == "respond-async")
        let id = try #require(try started.object()["batch_id"] as? String)
        #expect(started.header("Location") == "/batches/\(id)/status")
        try await waitUntil({ try await fixture.get("/batches/\(id)/status").object() },
                            satisfies: { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" })
    }

    @Test func runFileTakesAMultipartUpload() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let form = RouteFixture.multipart(fields: [("job_name", "upload"), ("poll_interval", "0.01")],
                                          file: ("requests.jsonl", Array(RouteFixture.chatLines(2).utf8)))
        let response = try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", form.contentType)], body: .chunks(form.body.chunks(of: 100))
        )
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.object()["processed"] as? Int == 2)
        #expect(fixture.backend.calls.first { $0.operation == .uploadFile } != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory + "/.uploads").isEmpty)
    }

    @Test func runFileRefusesWhatIsNotAJSONLUpload() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let notMultipart = try RouteFixture.problem(try await fixture.post("/batches/run-file", json: "{}"), 400)
        #expect((notMultipart["detail"] as? String)?.contains("multipart/form-data") == true)
        let noFile = RouteFixture.multipart(fields: [("job_name", "x")], file: nil)
        let missing = try RouteFixture.problem(try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", noFile.contentType)], body: .bytes(noFile.body)
        ), 400)
        #expect(missing["param"] as? String == "file")
        let text = RouteFixture.multipart(fields: [], file: ("notes.txt", Array("hello".utf8)))
        let wrong = try RouteFixture.problem(try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", text.contentType)], body: .bytes(text.body)
        ), 400)
        #expect(wrong["detail"] as? String == "Invalid file format for Batch API. Must be .jsonl")
        #expect(fixture.backend.calls.isEmpty)
    }

    @Test func runFileWithBadLinesIs422() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let form = RouteFixture.multipart(fields: [], file: ("bad.jsonl", Array((RouteFixture.chatLines(1) + "nope\n").utf8)))
        let problem = try RouteFixture.problem(try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", form.contentType)], body: .bytes(form.body)
        ), 422)
        #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["line"] as? Int } == [2])
        #expect(fixture.backend.calls.isEmpty)
    }
}
