import Foundation
import BatchAPI
import BatchService
import Gzip
import TestSupport
import Testing

/// `input_path` naming a `.jsonl.gz` under inputs/, over real HTTP against the in-process simulator:
/// inflated by the API (never by the coordinator), the file itself left in place, bombs and broken files refused.
@Suite("REST input_path .jsonl.gz", .timeLimit(.minutes(3)))
struct GzipInputPathTests {
    /// Writes `bytes` as `inputs/<name>` and returns them.
    @discardableResult
    static func put(_ harness: APIHarness, _ name: String, _ bytes: [UInt8]) throws -> [UInt8] {
        try Data(bytes).write(to: URL(fileURLWithPath: harness.inputs + "/" + name))
        return bytes
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Nothing inflated is left in the uploads folder, and no batch folder was made.
    static func expectNothingLeft(_ harness: APIHarness, batches: Int = 0, _ sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/.uploads").isEmpty, sourceLocation: sourceLocation)
        let folders = try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }
        #expect(folders.count == batches, "\(folders)", sourceLocation: sourceLocation)
    }

    @Test func runInflatesTheInputAndLeavesTheGzipFileInPlace() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let lines = APIHarness.chatLines(6, prefix: "gz")
        let compressed = try Self.put(harness, "jobs.jsonl.gz", try GzipCompressor.compress(Array(lines.utf8)))

        let response = try await harness.post("/batches/run", json: #"{"input_path":"inputs/jobs.jsonl.gz","job_name":"gz","poll_interval":0.05}"#)
        #expect(response.status == 200, "\(response.text)")
        let run = try APIHarness.object(response)
        #expect(run["phase"] as? String == "completed", "\(response.text)")
        #expect(run["processed"] as? Int == 6)
        let id = try #require(run["batch_id"] as? String)
        // What was stored (and uploaded) is the inflated JSONL, byte for byte.
        #expect(try String(contentsOfFile: harness.outputs + "/\(id)/input.jsonl", encoding: .utf8) == lines)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs").count == 6)
        // The source is an input, not an upload: it stays, unchanged.
        #expect(try Self.bytes(harness.inputs + "/jobs.jsonl.gz") == compressed)
        try Self.expectNothingLeft(harness, batches: 1)
    }

    @Test func submitTakesAGzipFileAndItIsTheSameInputAsItsJSONL() async throws {
        let harness = try await APIHarness(simulator: { $0.validationDelay = .milliseconds(300) })
        defer { Task { await harness.stop() } }
        let lines = APIHarness.chatLines(4, prefix: "same")
        try Self.put(harness, "Upper.JSONL.GZ", try GzipCompressor.compress(Array(lines.utf8)))
        try Self.put(harness, "plain.jsonl", Array(lines.utf8))

        let submitted = try await harness.post("/batches", json: #"{"input_path":"Upper.JSONL.GZ","job_name":"twins"}"#)
        #expect(submitted.status == 201, "\(submitted.text)")
        let submit = try APIHarness.object(submitted)
        let id = try #require(submit["batch_id"] as? String)
        #expect(submit["request_count"] as? Int == 4)
        #expect(try String(contentsOfFile: harness.outputs + "/\(id)/input.jsonl", encoding: .utf8) == lines)
        // Idempotency is over the requests, so the plain file with the same lines is the same submission.
        let twin = try await harness.post("/batches", json: #"{"input_path":"plain.jsonl","job_name":"twins"}"#)
        #expect(twin.status == 200, "\(twin.text)")
        #expect(try APIHarness.object(twin)["batch_id"] as? String == id)
        #expect(try APIHarness.object(twin)["reused"] as? Bool == true)
        // And the .gz again: reused too; the temporary inflated copy is removed, not left in .uploads.
        let again = try await harness.post("/batches", json: #"{"input_path":"Upper.JSONL.GZ","job_name":"twins"}"#)
        #expect(again.status == 200, "\(again.text)")
        #expect(try APIHarness.object(again)["reused"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: harness.inputs + "/Upper.JSONL.GZ"))
        try Self.expectNothingLeft(harness, batches: 1)
    }

    @Test func respondAsyncRunsAGzipInputInTheBackground() async throws {
        let harness = try await APIHarness(simulator: { $0.validationDelay = .milliseconds(200) })
        defer { Task { await harness.stop() } }
        try Self.put(harness, "later.jsonl.gz", try GzipCompressor.compress(Array(APIHarness.chatLines(3, prefix: "later").utf8)))
        let response = try await harness.post("/batches/run", json: #"{"input_path":"later.jsonl.gz","poll_interval":0.05}"#, headers: ["Prefer: respond-async"])
        #expect(response.status == 202, "\(response.text)")
        let id = try #require(try APIHarness.object(response)["batch_id"] as? String)
        _ = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs").count == 3)
        #expect(FileManager.default.fileExists(atPath: harness.inputs + "/later.jsonl.gz"))
        try Self.expectNothingLeft(harness, batches: 1)
    }

    @Test func aGzipBombIs413AndTheFileStays() async throws {
        // A run takes inputs up to the job limit (10 GB unless lowered, as here: a debug build plans slowly).
        let harness = try await APIHarness(apiConfiguration: APIConfiguration(jobLimits: JobLimits(maxJobBytes: 16 * 1024 * 1024)))
        defer { Task { await harness.stop() } }
        // A small file that inflates past the Batch API's 200 MB.
        let bomb = try Self.put(harness, "bomb.jsonl.gz", try GzipCompressor.compress([UInt8](repeating: 0x20, count: 201 * 1024 * 1024), level: 9))
        let run = try ErrorStatusTests.problem(try await harness.post("/batches/run", json: #"{"input_path":"bomb.jsonl.gz","poll_interval":0.05}"#), 413)
        #expect((run["detail"] as? String)?.contains("'bomb.jsonl.gz' inflates to more than") == true, "\(run)")
        try ErrorStatusTests.problem(try await harness.post("/batches", json: #"{"input_path":"inputs/bomb.jsonl.gz"}"#), 413)
        #expect(try Self.bytes(harness.inputs + "/bomb.jsonl.gz") == bomb)
        try Self.expectNothingLeft(harness)
    }

    @Test func aBrokenGzipFileIs400NamingItAndOtherRefusalsAreAsForJSONL() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let complete = try GzipCompressor.compress(Array(APIHarness.chatLines(50).utf8))
        try Self.put(harness, "truncated.jsonl.gz", Array(complete.dropLast(20)))
        try Self.put(harness, "notgzip.jsonl.gz", Array(APIHarness.chatLines(2).utf8))
        // Valid gzip, invalid requests: the coordinator reports the bad line as for any JSONL.
        try Self.put(harness, "badline.jsonl.gz", try GzipCompressor.compress(Array((APIHarness.chatLines(1) + "{not json}\n").utf8)))

        let truncated = try ErrorStatusTests.problem(try await harness.post("/batches/run", json: #"{"input_path":"truncated.jsonl.gz"}"#), 400)
        #expect((truncated["detail"] as? String)?.contains("'truncated.jsonl.gz' is not a complete gzip file") == true, "\(truncated)")
        let plain = try ErrorStatusTests.problem(try await harness.post("/batches", json: #"{"input_path":"notgzip.jsonl.gz"}"#), 400)
        #expect((plain["detail"] as? String)?.contains("'notgzip.jsonl.gz' is not a readable gzip file") == true, "\(plain)")
        let badLine = try ErrorStatusTests.problem(try await harness.post("/batches", json: #"{"input_path":"badline.jsonl.gz"}"#), 422)
        #expect((badLine["errors"] as? [[String: Any]])?.first?["line"] as? Int == 2, "\(badLine)")
        try ErrorStatusTests.problem(try await harness.post("/batches", json: #"{"input_path":"missing.jsonl.gz"}"#), 404)
        // A gzip file outside inputs/ is refused before it is read, as a .jsonl would be.
        try Data(complete).write(to: URL(fileURLWithPath: harness.root.path + "/escape.jsonl.gz"))
        try ErrorStatusTests.problem(try await harness.post("/batches/run", json: #"{"input_path":"../escape.jsonl.gz"}"#), 400)
        #expect(FileManager.default.fileExists(atPath: harness.root.path + "/escape.jsonl.gz"))
        for name in ["truncated.jsonl.gz", "notgzip.jsonl.gz", "badline.jsonl.gz"] {
            #expect(FileManager.default.fileExists(atPath: harness.inputs + "/" + name), "\(name)")
        }
        try Self.expectNothingLeft(harness)
    }
}
