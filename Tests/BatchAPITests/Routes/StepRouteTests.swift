import BackendTesting
import BatchAPI
import Foundation
import HTTPServer
import OpenAIClient
import Testing
import TestSupport

/// The step-by-step routes' validation and error mapping, in process over the in-memory backend.
@Suite("Routes in process: step by step")
struct StepRouteTests {
    static let good = RouteFixture.chatLines(3)

    @Test func badInputIs400NamingTheField() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good, "notes.txt": "x"])
        defer { fixture.remove() }
        let wrongType = try RouteFixture.problem(try await fixture.post("/batches", json: #"{"input_path":5}"#), 400)
        #expect(wrongType["param"] as? String == "input_path")
        #expect((wrongType["detail"] as? String)?.contains("expected a string") == true)
        let notJSON = try RouteFixture.problem(try await fixture.post("/batches", json: "{input_path:"), 400)
        #expect((notJSON["detail"] as? String)?.contains("not valid JSON") == true)
        let window = try RouteFixture.problem(try await fixture.post("/batches", json: #"{"input_path":"ok.jsonl","completion_window":"1h"}"#), 400)
        #expect((window["detail"] as? String)?.contains("completion_window") == true)
        try RouteFixture.problem(try await fixture.post("/batches", json: #"{"input_path":"notes.txt"}"#), 400)
        let limit = try RouteFixture.problem(try await fixture.get("/batches?limit=500"), 400)
        #expect(limit["param"] as? String == "limit")
        let badID = try RouteFixture.problem(try await fixture.get("/batches/batch.x/status"), 400)
        #expect((badID["detail"] as? String)?.contains("is not a batch id") == true)
        try RouteFixture.problem(try await fixture.post("/batches/..%2F..%2Fetc/wait"), 400)
        let poll = try RouteFixture.problem(try await fixture.post("/batches/batch_1/wait", json: #"{"poll_interval":"soon"}"#), 400)
        #expect(poll["param"] as? String == "poll_interval")
        // None of it reached the backend.
        #expect(fixture.backend.calls.isEmpty)
    }

    @Test func unknownBatchesAndFilesAre404() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        try RouteFixture.problem(try await fixture.get("/batches/batch_unknown"), 404)
        try RouteFixture.problem(try await fixture.get("/batches/batch_unknown/status"), 404)
        try RouteFixture.problem(try await fixture.post("/batches/batch_unknown/wait", json: #"{"poll_interval":0.01}"#), 404)
        try RouteFixture.problem(try await fixture.post("/batches", json: #"{"input_path":"missing.jsonl"}"#), 404)
        try RouteFixture.problem(try await fixture.post("/batches/batch_unknown/parse"), 404)
        #expect(fixture.backend.calls.map(\.description) == [
            "retrieveBatch(batch_unknown)", "retrieveBatch(batch_unknown)", "retrieveBatch(batch_unknown)",
        ])
    }

    /// Issue 11 §10: a known batch parsed before its download is 409 (wrong state) saying to download first;
    /// an empty `after` is not a batch id (400).
    @Test func parseBeforeDownloadIs409AndAnEmptyAfterIs400() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        let early = try RouteFixture.problem(try await fixture.post("/batches/\(id)/parse"), 409)
        #expect((early["detail"] as? String)?.contains("download them first") == true, "\(early)")
        let after = try RouteFixture.problem(try await fixture.get("/batches?after="), 400)
        #expect(after["param"] as? String == "after")
        #expect(try await fixture.get("/batches?limit=5").status == 200)
    }

    @Test func submitIs201ThenTheSameSubmissionIs200Reused() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let first = try await fixture.post("/batches", json: #"{"input_path":"ok.jsonl","job_name":"demo"}"#)
        #expect(first.status == 201)
        let id = try #require(try first.object()["batch_id"] as? String)
        #expect(first.header("Location") == "/batches/\(id)")
        #expect(try first.object()["request_count"] as? Int == 3)
        let again = try await fixture.post("/batches", json: #"{"input_path":"ok.jsonl","job_name":"demo"}"#)
        #expect(again.status == 200)
        #expect(try again.object()["reused"] as? Bool == true)
        #expect(fixture.backend.count(.createBatch) == 1)
    }

    @Test func inlineRequestsAndASpecAreSubmittedToo() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}"#
        let requests = try await fixture.post("/batches", json: #"{"requests":[\#(line)]}"#)
        #expect(requests.status == 201, "\(requests.text)")
        let spec = try await fixture.post("/batches", json: #"{"spec":"user: Hello /// user: How are you?","model":"gpt-4o-mini"}"#)
        #expect(spec.status == 201, "\(spec.text)")
        #expect(try spec.object()["request_count"] as? Int == 2)
        #expect(fixture.backend.count(.createBatch) == 2)
    }

    /// Issue 11 §18: `spec` without `model` takes the configured default (BATCH_OPENAI_MODEL) instead of a 400;
    /// issue 11 §11: a member of another route (`poll_interval` on submit) is refused by name, not dropped.
    @Test func aSpecWithoutModelTakesTheDefaultAndUnknownMembersAre400() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(defaultModel: "gpt-default-x"))
        defer { fixture.remove() }
        let spec = try await fixture.post("/batches", json: #"{"spec":"user: Hello /// user: How are you?"}"#)
        #expect(spec.status == 201, "\(spec.text)")
        let directory = try #require(try spec.object()["output_dir"] as? String)
        let input = try String(contentsOfFile: directory + "/input.jsonl", encoding: .utf8)
        #expect(input.split(separator: "\n").count == 2)
        #expect(input.split(separator: "\n").allSatisfy { $0.contains(#""model":"gpt-default-x""#) }, "\(input)")

        let unknown = try RouteFixture.problem(try await fixture.post("/batches", json: #"{"spec":"user: hi","poll_interval":5}"#), 400)
        #expect(unknown["param"] as? String == "poll_interval")
        #expect((unknown["detail"] as? String)?.contains("'poll_interval' is not a member") == true)
        #expect(fixture.backend.count(.createBatch) == 1)
    }

    /// Found by schemathesis (issue 11 §11): a huge `timeout` trapped converting to a Duration and stopped the
    /// server; an empty numeric field was read as absent; download and cancel ignored whatever body came.
    @Test func fuzzFindingsAreRefusedWith400() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        for body in [#"{"timeout":1.7e308}"#, #"{"timeout":604801}"#, #"{"timeout":""}"#, #"{"poll_interval":""}"#, #"{"poll_interval":"-1"}"#, #"{"poll_interval":"1e1"}"#] {
            let problem = try RouteFixture.problem(try await fixture.post("/batches/\(id)/wait", json: body), 400)
            #expect(["timeout", "poll_interval"].contains(problem["param"] as? String), "\(body): \(problem)")
        }
        let run = try RouteFixture.problem(try await fixture.post("/batches/run", json: #"{"input_path":"ok.jsonl","timeout":1e300}"#), 400)
        #expect(run["param"] as? String == "timeout")
        try RouteFixture.problem(try await fixture.post("/batches/run", json: #"{"input_path":"ok.jsonl","do_parse":""}"#), 400)
        for route in ["download", "cancel"] {
            let members = try RouteFixture.problem(try await fixture.post("/batches/\(id)/\(route)", json: #"{"force":true}"#), 400)
            #expect(members["param"] as? String == "force")
            try RouteFixture.problem(try await fixture.post("/batches/\(id)/\(route)", json: "[null, null]"), 400)
        }
        // An empty object, or no body, is still fine.
        #expect(try await fixture.post("/batches/\(id)/cancel", json: "{}").status == 200)
        #expect(try await fixture.get("/batches/\(id)").status == 200)
    }

    @Test func invalidJSONLIs422WithItsLineNumbers() async throws {
        let lines: [String] = [String(RouteFixture.chatLines(1).dropLast()), "{broken", #"{"custom_id":"b","method":"GET","url":"/v1/chat/completions","body":{"model":"m"}}"#]
        let fixture = try RouteFixture.make(inputs: ["bad.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { fixture.remove() }
        let problem = try RouteFixture.problem(try await fixture.post("/batches", json: #"{"input_path":"bad.jsonl"}"#), 422)
        #expect(problem["type"] as? String == "urn:batch-openai:problem:invalid-jsonl")
        let errors = try #require(problem["errors"] as? [[String: Any]])
        #expect(Set(errors.compactMap { $0["line"] as? Int }) == [2, 3], "\(errors)")
        #expect(errors.allSatisfy { $0["code"] is String && $0["message"] is String })
        #expect(problem["error_count"] as? Int == errors.count)
        #expect(fixture.backend.calls.isEmpty)
    }

    @Test func tooLargeBodiesAre413WhetherSizedOrChunked() async throws {
        let fixture = try RouteFixture.make(api: APIConfiguration(maxJSONBytes: 2048, maxUploadBytes: 4096))
        defer { fixture.remove() }
        let big = #"{"input_path":"x.jsonl","job_name":""# + String(repeating: "a", count: 4000) + #""}"#
        // Refused from its Content-Length before the handler runs.
        try RouteFixture.problem(try await fixture.post("/batches", json: big), 413)
        // Chunked: refused while it is read.
        let chunked = try await fixture.client.execute(
            .post, "/batches", headers: [("Content-Type", "application/json")], body: .chunks(Array(big.utf8).chunks(of: 512))
        )
        try RouteFixture.problem(chunked, 413)
        // An upload past the upload limit.
        let upload = RouteFixture.multipart(fields: [("job_name", "big")], file: ("big.jsonl", Array(repeating: 0x41, count: 8000)))
        try RouteFixture.problem(try await fixture.client.execute(
            .post, "/batches/run-file", headers: [("Content-Type", upload.contentType)], body: .bytes(upload.body)
        ), 413)
        #expect(fixture.backend.calls.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.outputsDirectory + "/.uploads").isEmpty)
    }

    @Test func wrongStateIs409() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        let conflict = try RouteFixture.problem(try await fixture.post("/batches/\(id)/download"), 409)
        #expect(conflict["type"] as? String == "urn:batch-openai:problem:conflict")
        #expect(try await fixture.post("/batches/\(id)/cancel").status == 200)
        try RouteFixture.problem(try await fixture.post("/batches/\(id)/cancel"), 409)
    }

    @Test func backendFailureIs502AndTimeoutIs504() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        fixture.backend.failNext(.retrieveBatch, with: InMemoryBackend.serverError())
        let failed = try RouteFixture.problem(try await fixture.get("/batches/\(id)/status"), 502)
        #expect(failed["backend_status"] as? Int == 500)
        #expect((failed["detail"] as? String)?.contains("HTTP 500") == true)
        let timedOut = try RouteFixture.problem(try await fixture.post("/batches/\(id)/wait", json: #"{"poll_interval":0.01,"timeout":0.05}"#), 504)
        #expect(timedOut["type"] as? String == "urn:batch-openai:problem:backend-timeout")
    }

    @Test func stepByStepToTheArtifacts() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        let waited = try await fixture.post("/batches/\(id)/wait", json: #"{"poll_interval":0.01}"#)
        #expect(waited.status == 200)
        #expect(try waited.object()["status"] as? String == "completed")
        let downloaded = try await fixture.post("/batches/\(id)/download")
        #expect(downloaded.status == 200, "\(downloaded.text)")
        #expect(try downloaded.object()["missing_custom_ids"] as? [String] == [])
        let parsed = try await fixture.post("/batches/\(id)/parse", json: #"{"force":false}"#)
        #expect(try parsed.object()["processed"] as? Int == 3)
        #expect(try parsed.object()["missing"] as? Int == 0)
        // An id the batch does not have is the client's mistake, named in the problem.
        let unknown = try RouteFixture.problem(try await fixture.post("/batches/\(id)/parse", json: #"{"only":["request-1","nope"]}"#), 422)
        #expect((unknown["detail"] as? String)?.contains("'nope'") == true)

        // Artifacts come back as files: the bytes the backend holds, and the documents.
        let output = try await fixture.get("/batches/\(id)/files/output.jsonl")
        #expect(output.status == 200 && output.header("Content-Type") == "application/x-ndjson")
        let outputFileID = try #require(fixture.backend.peek(batch: id)?.outputFileID)
        #expect(output.body == fixture.backend.peek(file: outputFileID))
        let document = try await fixture.get("/batches/\(id)/files/docs/request-2.md")
        #expect(document.text.contains(InMemoryBackend.answer(to: "request-2")))
        let listing = try await fixture.get("/batches/\(id)/files/docs")
        #expect(listing.status == 200 && listing.text.contains("request-1.md"))
        #expect(try await fixture.get("/batches/\(id)/files/index.json").status == 200)
        let listed = try await fixture.get("/batches?limit=1")
        #expect((try listed.object()["data"] as? [[String: Any]])?.first?["id"] as? String == id)
    }

    @Test func artifactPathsStayInsideTheBatchFolder() async throws {
        let fixture = try RouteFixture.make(inputs: ["ok.jsonl": Self.good])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        let folder = fixture.workspace.outputsDirectory + "/" + id
        try Data("secret".utf8).write(to: URL(fileURLWithPath: fixture.directory.path + "/secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.txt", withDestinationPath: fixture.directory.path + "/secret.txt")

        for target in ["..%2F..%2Fsecret.txt", "..%2Fok", ".submission.json", "link.txt"] {
            let response = try await fixture.get("/batches/\(id)/files/\(target)")
            #expect([400, 403, 404].contains(response.status), "\(target): \(response.status) \(response.text)")
            #expect(!response.text.contains("secret\n") && response.text != "secret", "\(target)")
        }
        try RouteFixture.problem(try await fixture.get("/batches/\(id)/files/nothing-here.txt"), 404)
        #expect(try await fixture.get("/batches/\(id)/files/input.jsonl").text == Self.good)
    }
}

extension Array where Element == UInt8 {
    /// The bytes in pieces of at most `size`.
    func chunks(of size: Int) -> [[UInt8]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
