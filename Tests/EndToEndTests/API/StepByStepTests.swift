import Foundation
import Gzip
import TestSupport
import Testing

/// The seed's step-by-step flow over real HTTP: submit → status → wait → download → parse → files, list.
@Suite("REST step by step", .timeLimit(.minutes(2)))
struct StepByStepTests {
    @Test func submitStatusWaitDownloadParseAndReadTheArtifacts() async throws {
        let sample = try APIHarness.sampleInput
        // Validation lasts long enough that the early download surely meets a batch without results, even
        // on a loaded 2-core machine (1.5 s was not enough under a parallel build and benchmark).
        let harness = try await APIHarness(simulator: { $0.validationDelay = .seconds(4) }, inputs: ["sample_input.jsonl": sample])
        defer { Task { await harness.stop() } }

        // Submit, from a path relative to the inputs folder as the seed writes it (inputs/…) would be from the repo root.
        let submitted = try await harness.post("/batches", json: #"{"input_path":"sample_input.jsonl","job_name":"demo","completion_window":"24h"}"#)
        #expect(submitted.status == 201, "\(submitted.text)")
        let submit = try APIHarness.object(submitted)
        let id = try #require(submit["batch_id"] as? String)
        #expect(submitted.header("Location") == "/batches/\(id)")
        #expect(submit["output_dir"] as? String == harness.outputs.resolvingSymlinks + "/" + id)
        #expect(submit["status"] as? String == "validating")
        #expect(submit["request_count"] as? Int == 6)
        #expect(submit["reused"] as? Bool == false)

        // The same input and job name again: the same batch, 200.
        let again = try await harness.post("/batches", json: #"{"input_path":"sample_input.jsonl","job_name":"demo"}"#)
        #expect(again.status == 200)
        #expect(try APIHarness.object(again)["batch_id"] as? String == id)
        #expect(try APIHarness.object(again)["reused"] as? Bool == true)

        // Download before results exist: 409.
        let early = try await harness.post("/batches/\(id)/download")
        #expect(early.status == 409, "\(early.text)")
        #expect(early.header("Content-Type") == "application/problem+json")

        let status = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/status"))
        #expect(status["batch_id"] as? String == id)
        #expect(status["request_counts"] is [String: Any])
        #expect(status["created_at"] is Int)

        let waited = try await harness.post("/batches/\(id)/wait", json: #"{"poll_interval":"0.05","timeout":20}"#)
        #expect(waited.status == 200, "\(waited.text)")
        let finished = try APIHarness.object(waited)
        #expect(finished["status"] as? String == "completed")
        #expect(finished["terminal"] as? Bool == true)
        #expect((finished["request_counts"] as? [String: Int])?["completed"] == 6)
        #expect(FileManager.default.fileExists(atPath: harness.outputs + "/\(id)/batch.json"))

        // Parse before download: 409, the wrong state (issue 11 §10).
        #expect(try await harness.post("/batches/\(id)/parse").status == 409)

        let downloaded = try await harness.post("/batches/\(id)/download")
        #expect(downloaded.status == 200, "\(downloaded.text)")
        let download = try APIHarness.object(downloaded)
        #expect((download["output_file"] as? String)?.hasSuffix("/\(id)/output.jsonl") == true)
        #expect(download["errors_file"] is NSNull)
        #expect((download["missing_custom_ids"] as? [String])?.isEmpty == true)

        let parsed = try await harness.post("/batches/\(id)/parse", json: #"{"force": false}"#)
        #expect(parsed.status == 200, "\(parsed.text)")
        let parse = try APIHarness.object(parsed)
        #expect(parse["processed"] as? Int == 6)
        #expect(parse["skipped"] as? Int == 0)
        #expect((parse["docs_dir"] as? String)?.hasSuffix("/\(id)/docs") == true)
        #expect((parse["index_file"] as? String)?.hasSuffix("/\(id)/index.json") == true)

        // Again without force: every document exists and is skipped; `only` limits the run.
        let skipped = try APIHarness.object(try await harness.post("/batches/\(id)/parse", json: #"{"force":"false"}"#))
        #expect(skipped["processed"] as? Int == 0)
        #expect(skipped["skipped"] as? Int == 6)
        let only = try APIHarness.object(try await harness.post("/batches/\(id)/parse",
            json: #"{"force":true,"only":["MinhaClasse.meuMetodo.m3type_business"]}"#))
        #expect(only["processed"] as? Int == 1)

        // Artifacts: index.json, a document, a folder listing; output.jsonl byte for byte.
        let index = try await harness.request("GET", "/batches/\(id)/files/index.json")
        #expect(index.status == 200)
        #expect(index.header("Content-Type") == "application/json")
        #expect(try APIHarness.object(index)["batch_id"] as? String == id)
        let document = try await harness.request("GET", "/batches/\(id)/files/docs/MinhaClasse.meuMetodo.m3type_business.business.md")
        #expect(document.status == 200, "\(document.text)")
        #expect(document.text.contains(#"custom_id: "MinhaClasse.meuMetodo.m3type_business""#))
        let listing = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/files/docs"))
        #expect((listing["entries"] as? [[String: Any]])?.contains { $0["name"] as? String == "MinhaClasse.meuMetodo.m3type_business.business.md" } == true)
        let output = try await harness.request("GET", "/batches/\(id)/files/output.jsonl")
        #expect(output.body == Array(try Data(contentsOf: URL(fileURLWithPath: harness.outputs + "/\(id)/output.jsonl"))))
        #expect(try await harness.request("GET", "/batches/\(id)/files/nothing.md").status == 404)
        let compressed = try await harness.request("GET", "/batches/\(id)/files/output.jsonl", headers: ["Accept-Encoding: gzip"])
        #expect(compressed.header("Content-Encoding") == "gzip")
        #expect(try GzipDecompressor.decompress(compressed.body) == output.body)

        // The batch itself and the listing with local artifacts.
        let batch = try APIHarness.object(try await harness.request("GET", "/batches/\(id)"))
        #expect(batch["id"] as? String == id)
        #expect(batch["object"] as? String == "batch")
        let list = try APIHarness.object(try await harness.request("GET", "/batches?limit=5"))
        let entry = try #require((list["data"] as? [[String: Any]])?.first { $0["id"] as? String == id })
        let local = try #require(entry["local"] as? [String: Any])
        #expect(local["has_docs"] as? Bool == true)
        #expect((local["files"] as? [String])?.contains("output.jsonl") == true)
        #expect(list["has_more"] as? Bool == false)

        // Metrics saw the routes by pattern and the batch by status.
        let metrics = try await harness.request("GET", "/metrics").text
        #expect(metrics.contains(#"route="/batches/{batch_id}/files/{path...}",status="200""#))
        #expect(metrics.contains(#"batch_openai_batches_last_recorded{status="completed"} 1"#))
        #expect(!metrics.contains(#"batch_openai_backend_bytes_total{direction="up"} 0"#))
    }

    @Test func submitsInlineRequestsAndASpec() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let lines = #"{"requests":[{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":1000}},{"custom_id":"b","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Bye"}]}}],"job_name":"inline","metadata":{"team":"docs"}}"#
        let inline = try await harness.post("/batches", json: lines)
        #expect(inline.status == 201, "\(inline.text)")
        let inlineID = try #require(try APIHarness.object(inline)["batch_id"] as? String)
        #expect(try APIHarness.object(inline)["request_count"] as? Int == 2)
        let stored = try String(contentsOfFile: harness.outputs + "/\(inlineID)/input.jsonl", encoding: .utf8)
        #expect(stored.contains(#""max_tokens":1000"#))
        let batch = try APIHarness.object(try await harness.request("GET", "/batches/\(inlineID)"))
        #expect((batch["metadata"] as? [String: String])?["team"] == "docs")
        #expect((batch["metadata"] as? [String: String])?["job_name"] == "inline")

        let spec = try await harness.post("/batches", json: #"{"spec":"system: You are helpful. || user: Hello /// user: How are you?","model":"gpt-4o-mini"}"#)
        #expect(spec.status == 201, "\(spec.text)")
        let specID = try #require(try APIHarness.object(spec)["batch_id"] as? String)
        #expect(try APIHarness.object(spec)["request_count"] as? Int == 2)
        let done = try APIHarness.object(try await harness.post("/batches/\(specID)/wait", json: #"{"poll_interval":0.05}"#))
        #expect(done["status"] as? String == "completed")

        // The whole run from a spec, as the Go seed's --requests does.
        let run = try await harness.post("/batches/run", json: #"{"spec":"user: one /// user: two /// user: three","model":"gpt-4o-mini","poll_interval":0.05}"#)
        #expect(run.status == 200, "\(run.text)")
        #expect(try APIHarness.object(run)["processed"] as? Int == 3)
    }
}

extension String {
    /// The path with symlinks resolved (the temporary folder may be behind one).
    var resolvingSymlinks: String { URL(fileURLWithPath: self).resolvingSymlinksInPath().path }
}
