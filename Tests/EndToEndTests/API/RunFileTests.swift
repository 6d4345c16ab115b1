import BatchAPI
import BatchService
import Foundation
import Gzip
import TestSupport
import Testing

/// `POST /batches/run-file`: multipart uploads, .jsonl and .jsonl.gz, tolerant form fields, refusals.
@Suite("REST run-file", .timeLimit(.minutes(2)))
struct RunFileTests {
    func upload(_ harness: APIHarness, filename: String, content: [UInt8], fields: [(String, String)] = [("poll_interval", "0.05")],
                headers: [String] = []) async throws -> RawResponse {
        let form = APIHarness.multipart(fields: fields, file: ("file", filename, content))
        return try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: \(form.contentType)"] + headers, body: form.body)
    }

    @Test func runsAPlainAndAGzippedUploadWithFormFieldsAsText() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let plain = try await upload(harness, filename: "plain.jsonl", content: Array(APIHarness.chatLines(5, prefix: "plain").utf8),
                                     fields: [("job_name", "plain"), ("completion_window", "24h"), ("poll_interval", "0.05"), ("do_parse", "true")])
        #expect(plain.status == 200, "\(plain.text)")
        let run = try APIHarness.object(plain)
        #expect(run["processed"] as? Int == 5)
        let id = try #require(run["batch_id"] as? String)
        #expect(try String(contentsOfFile: harness.outputs + "/\(id)/input.jsonl", encoding: .utf8) == APIHarness.chatLines(5, prefix: "plain"))

        let gzipped = try GzipCompressor.compress(Array(APIHarness.chatLines(7, prefix: "gz").utf8))
        let zipped = try await upload(harness, filename: "Requests.JSONL.GZ", content: gzipped,
                                      fields: [("poll_interval", "0.05"), ("do_parse", "false")])
        #expect(zipped.status == 200, "\(zipped.text)")
        let zippedRun = try APIHarness.object(zipped)
        #expect((zippedRun["request_counts"] as? [String: Int])?["completed"] == 7)
        #expect(zippedRun["docs_dir"] is NSNull, "do_parse=false: no documents")
        let zippedID = try #require(zippedRun["batch_id"] as? String)
        #expect(!FileManager.default.fileExists(atPath: harness.outputs + "/\(zippedID)/docs"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/.uploads").isEmpty)
    }

    @Test func respondAsyncWorksForUploadsToo() async throws {
        let harness = try await APIHarness(simulator: { $0.validationDelay = .milliseconds(200) })
        defer { Task { await harness.stop() } }
        let response = try await upload(harness, filename: "a.jsonl", content: Array(APIHarness.chatLines(3).utf8), headers: ["Prefer: respond-async"])
        #expect(response.status == 202, "\(response.text)")
        let id = try #require(try APIHarness.object(response)["batch_id"] as? String)
        #expect(response.header("Location") == "/batches/\(id)/status")
        _ = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs").count == 3)
    }

    @Test func refusesWhatIsNotARequestFile() async throws {
        // A job limit of 8 MiB stands for the default 10 GB: a run-file upload may inflate up to it, not past it.
        let harness = try await APIHarness(apiConfiguration: APIConfiguration(jobLimits: JobLimits(maxJobBytes: 8 << 20)))
        defer { Task { await harness.stop() } }
        for name in ["notes.txt", "data.json", "x.jsonl.zip", ""] {
            let refused = try ErrorStatusTests.problem(try await upload(harness, filename: name, content: Array("{}".utf8)), 400)
            #expect(refused["detail"] as? String == "Invalid file format for Batch API. Must be .jsonl", "\(name)")
        }
        let noFile = APIHarness.multipart(fields: [("job_name", "x")], file: nil)
        let missing = try ErrorStatusTests.problem(try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: \(noFile.contentType)"], body: noFile.body), 400)
        #expect(missing["param"] as? String == "file")
        try ErrorStatusTests.problem(try await harness.post("/batches/run-file", json: #"{"input_path":"x.jsonl"}"#), 400)
        try ErrorStatusTests.problem(try await upload(harness, filename: "broken.jsonl.gz", content: [0x1F, 0x8B, 8, 0, 1, 2, 3]), 400)
        try ErrorStatusTests.problem(try await upload(harness, filename: "a.jsonl", content: Array("x".utf8), fields: [("poll_interval", "fast")]), 400)
        // A gzip bomb: a small upload that inflates past the job limit (BATCH_OPENAI_MAX_JOB_BYTES).
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0x20, count: 9 << 20), level: 9)
        try ErrorStatusTests.problem(try await upload(harness, filename: "bomb.jsonl.gz", content: bomb), 413)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/.uploads").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }.isEmpty)
    }
}
