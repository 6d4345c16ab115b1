import Foundation
import TestSupport
import Testing

/// Embeddings and moderations batches through the whole run, over real HTTP against the simulator: their
/// results end as data files, not as failures (issue 11 §6).
@Suite("REST data results", .timeLimit(.minutes(2)))
struct DataResultsTests {
    static func lines(_ url: String, _ bodies: [(id: String, body: String)]) -> String {
        bodies.map { #"{"custom_id":"\#($0.id)","method":"POST","url":"\#(url)","body":\#($0.body)}"# + "\n" }.joined()
    }

    @Test func anEmbeddingsRunWritesItsVectorsInInputOrder() async throws {
        let ids = (1...12).map { "vec-\($0)" }
        let input = Self.lines("/v1/embeddings", ids.map { ($0, #"{"model":"text-embedding-3-small","input":"text of \#($0)","dimensions":4}"#) })
        let harness = try await APIHarness(inputs: ["vectors.jsonl": input])
        defer { Task { await harness.stop() } }

        let response = try await harness.post("/batches/run", json: #"{"input_path":"vectors.jsonl","poll_interval":0.05}"#)

        #expect(response.status == 200, "\(response.text)")
        let run = try APIHarness.object(response)
        #expect(run["phase"] as? String == "completed", "\(run)")
        #expect(run["failed"] as? Int == 0)
        let id = try #require(run["batch_id"] as? String)
        let index = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/files/index.json"))
        let items = try #require(index["items"] as? [[String: Any]])
        #expect(items.map { $0["status"] as? String } == Array(repeating: "ok", count: 12))
        #expect(Set(items.compactMap { $0["file"] as? String }) == ["embeddings.jsonl"])
        let file = try await harness.request("GET", "/batches/\(id)/files/docs/embeddings.jsonl")
        #expect(file.status == 200)
        let rows = try file.text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(rows.map { $0["custom_id"] as? String } == ids)
        #expect(rows.allSatisfy { ($0["embedding"] as? [Double])?.count == 4 && $0["model"] is String })
    }

    @Test func aModerationsRunWritesItsVerdicts() async throws {
        let input = Self.lines("/v1/moderations", [("m-1", #"{"model":"omni-moderation-latest","input":"hello"}"#),
                                                   ("m-2", #"{"model":"omni-moderation-latest","input":["a","b"]}"#)])
        let harness = try await APIHarness(inputs: ["moderate.jsonl": input])
        defer { Task { await harness.stop() } }

        let response = try await harness.post("/batches/run", json: #"{"input_path":"moderate.jsonl","poll_interval":0.05}"#)

        #expect(response.status == 200, "\(response.text)")
        let id = try #require(try APIHarness.object(response)["batch_id"] as? String)
        let text = try String(contentsOfFile: harness.outputs + "/\(id)/docs/moderations.jsonl", encoding: .utf8)
        let rows = try text.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(rows.map { $0["custom_id"] as? String } == ["m-1", "m-2"])
        #expect(rows.map { ($0["results"] as? [Any])?.count } == [1, 2])
    }
}
