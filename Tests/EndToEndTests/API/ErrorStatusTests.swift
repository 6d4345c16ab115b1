import BatchAPI
import Foundation
import OpenAISimulator
import TestSupport
import Testing

/// Every error status of docs/ARCHITECTURE.md § The REST API over real HTTP, each as application/problem+json (RFC 9457).
@Suite("REST error statuses", .timeLimit(.minutes(2)))
struct ErrorStatusTests {
    static let good = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}"#

    /// A problem document with the four RFC 9457 members and the expected status.
    @discardableResult
    static func problem(_ response: RawResponse, _ status: Int, _ sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        let object = try APIHarness.object(response)
        #expect(object["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(object["type"] is String, sourceLocation: sourceLocation)
        #expect(object["title"] is String, sourceLocation: sourceLocation)
        #expect(object["detail"] is String, sourceLocation: sourceLocation)
        return object
    }

    @Test func badInputIs400NamingWhatWasExpected() async throws {
        let harness = try await APIHarness(inputs: ["ok.jsonl": Self.good + "\n", "notes.txt": "x"])
        defer { Task { await harness.stop() } }

        let notJSON = try Self.problem(try await harness.post("/batches", json: "{input_path:"), 400)
        #expect((notJSON["detail"] as? String)?.contains("not valid JSON") == true)
        #expect((notJSON["detail"] as? String)?.contains("'input_path'") == true)
        let array = try Self.problem(try await harness.post("/batches/run", json: "[1,2]"), 400)
        #expect((array["detail"] as? String)?.contains("is an array; expected a JSON object") == true)
        let empty = try Self.problem(try await harness.post("/batches", json: ""), 400)
        #expect((empty["detail"] as? String)?.contains("empty") == true)
        let wrongType = try Self.problem(try await harness.post("/batches", json: #"{"input_path":5}"#), 400)
        #expect(wrongType["param"] as? String == "input_path")
        #expect((wrongType["detail"] as? String)?.contains("expected a string") == true)
        let two = try Self.problem(try await harness.post("/batches", json: #"{"input_path":"ok.jsonl","spec":"user: hi","model":"m"}"#), 400)
        #expect((two["detail"] as? String)?.contains("not 'input_path' and 'spec'") == true)
        // A spec without model takes BATCH_OPENAI_MODEL now (issue 11 §18); an empty model is still refused.
        try Self.problem(try await harness.post("/batches", json: #"{"spec":"user: hi","model":""}"#), 400)
        // A member the route does not define is refused by name, never dropped (issue 11 §11).
        let unknown = try Self.problem(try await harness.post("/batches", json: #"{"input_path":"ok.jsonl","poll_interval":5}"#), 400)
        #expect(unknown["param"] as? String == "poll_interval")
        try Self.problem(try await harness.post("/batches", json: #"{"input_path":"ok.jsonl","completion_window":"1h"}"#), 400)
        try Self.problem(try await harness.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":"soon"}"#), 400)
        try Self.problem(try await harness.post("/batches/run", json: #"{"input_path":"ok.jsonl","do_parse":"maybe"}"#), 400)
        try Self.problem(try await harness.post("/batches/run", json: #"{"input_path":"notes.txt"}"#), 400)
        try Self.problem(try await harness.request("GET", "/batches?limit=500"), 400)
        // A batch id that could be a path never reaches the disk or the backend.
        let badID = try Self.problem(try await harness.request("GET", "/batches/batch.x/status"), 400)
        #expect((badID["detail"] as? String)?.contains("is not a batch id") == true)
        try Self.problem(try await harness.post("/batches/..%2F..%2Fetc/wait"), 400)
    }

    @Test func unknownThingsAre404AndWrongStateIs409() async throws {
        let harness = try await APIHarness(simulator: { $0.validationDelay = .seconds(5) }, inputs: ["ok.jsonl": Self.good + "\n"])
        defer { Task { await harness.stop() } }
        try Self.problem(try await harness.request("GET", "/batches/batch_doesnotexist"), 404)
        try Self.problem(try await harness.request("GET", "/batches/batch_doesnotexist/status"), 404)
        try Self.problem(try await harness.post("/batches", json: #"{"input_path":"missing.jsonl"}"#), 404)
        try Self.problem(try await harness.request("GET", "/nowhere"), 404)

        let submitted = try APIHarness.object(try await harness.post("/batches", json: #"{"input_path":"ok.jsonl"}"#))
        let id = try #require(submitted["batch_id"] as? String)
        let conflict = try Self.problem(try await harness.post("/batches/\(id)/download"), 409)
        #expect(conflict["type"] as? String == "urn:batch-openai:problem:conflict")
        // Issue 11 §10: parse before download is a wrong state (409), not an unknown batch.
        let early = try Self.problem(try await harness.post("/batches/\(id)/parse"), 409)
        #expect((early["detail"] as? String)?.contains("download them first") == true, "\(early)")
        // Another method on a known path: 405 with Allow.
        let wrongMethod = try await harness.request("DELETE", "/batches/\(id)")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow")?.contains("GET") == true)
    }

    @Test func tooLargeIs413() async throws {
        let harness = try await APIHarness(apiConfiguration: APIConfiguration(maxJSONBytes: 2048, maxUploadBytes: 4096))
        defer { Task { await harness.stop() } }
        let big = #"{"input_path":"x.jsonl","job_name":""# + String(repeating: "a", count: 4000) + #""}"#
        try Self.problem(try await harness.post("/batches", json: big), 413)
        let upload = APIHarness.multipart(fields: [("job_name", "big")], file: ("file", "big.jsonl", Array(repeating: 0x41, count: 8000)))
        try Self.problem(try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: \(upload.contentType)"], body: upload.body), 413)
        // Nothing spooled stays behind.
        let spooled = try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/.uploads")
        #expect(spooled.isEmpty, "\(spooled)")
    }

    @Test func invalidJSONLIs422WithEveryBadLine() async throws {
        let lines = [Self.good, "{broken", Self.good, #"{"custom_id":"b","method":"GET","url":"/v1/chat/completions","body":{"model":"m"}}"#].joined(separator: "\n")
        let harness = try await APIHarness(inputs: ["bad.jsonl": lines + "\n"])
        defer { Task { await harness.stop() } }
        for response in [
            try await harness.post("/batches", json: #"{"input_path":"bad.jsonl"}"#),
            try await harness.post("/batches/run", json: #"{"input_path":"../inputs/bad.jsonl"}"#),
            try await {
                let form = APIHarness.multipart(fields: [], file: ("file", "bad.jsonl", Array(lines.utf8)))
                return try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: \(form.contentType)"], body: form.body)
            }(),
        ] {
            let problem = try Self.problem(response, 422)
            #expect(problem["type"] as? String == "urn:batch-openai:problem:invalid-jsonl")
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(Set(errors.compactMap { $0["line"] as? Int }) == [2, 3, 4], "\(errors)")
            #expect(errors.map { $0["code"] as? String } .contains("duplicate_custom_id"))
            #expect(errors.allSatisfy { $0.keys.sorted() == ["code", "line", "message", "param"] })
            #expect(problem["error_count"] as? Int == errors.count)
        }
        // Nothing was submitted: no batch folder, no stray upload.
        let left = try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/.uploads").isEmpty)
    }

    @Test func backendFailureIs502AndTimeoutIs504() async throws {
        let harness = try await APIHarness(simulator: { $0.validationDelay = .seconds(10) }, inputs: ["ok.jsonl": Self.good + "\n"])
        defer { Task { await harness.stop() } }
        harness.simulator.faults.schedule([ScheduledFault(.status(500), count: 10, pathPrefix: "/v1/batches")])
        let failed = try Self.problem(try await harness.request("GET", "/batches/batch_abc/status"), 502)
        #expect((failed["detail"] as? String)?.contains("HTTP 500") == true)
        #expect(failed["backend_status"] as? Int == 500)
        harness.simulator.faults.reconfigure(FaultConfiguration())

        let submitted = try APIHarness.object(try await harness.post("/batches", json: #"{"input_path":"ok.jsonl"}"#))
        let id = try #require(submitted["batch_id"] as? String)
        let timedOut = try Self.problem(try await harness.post("/batches/\(id)/wait", json: #"{"poll_interval":0.05,"timeout":0.3}"#), 504)
        #expect(timedOut["type"] as? String == "urn:batch-openai:problem:backend-timeout")
    }
}
