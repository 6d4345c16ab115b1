import Foundation
import JSON
import OpenAIClient
import TestSupport
import Testing

@testable import OpenAISimulator

/// A batch's `metadata` as the API keeps it: what a client sends comes back byte for byte from create,
/// retrieve and every page of the list (a submission finds its batch by it), and what the API's schema
/// refuses is refused.
@Suite struct SimulatorMetadataTests {
    @Test func metadataIsStoredAndListedAsSent() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        // 16 pairs at the limits: a 64-character key, a 512-character value, non-ASCII, an empty value.
        var metadata: [String: String] = [String(repeating: "k", count: 64): String(repeating: "v", count: 512), "empty": "", "ünï": "日本語 ✓"]
        for index in 0..<13 { metadata["key\(index)"] = "value \(index) \"quoted\"\n" }
        #expect(metadata.count == 16)
        let body = try JSONEncoder().encode(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: metadata))
        let created = try await harness.json(Batch.self, "POST", "/v1/batches", body: Array(body))
        let other = try await harness.createBatch(fileID: file.id)

        #expect(created.metadata == metadata)
        #expect(try await harness.batch(created.id).metadata == metadata)
        let first = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches?limit=1")
        #expect(first.data.map(\.id) == [other.id])
        let next = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches?limit=1&after=\(other.id)")
        #expect(next.data.map(\.id) == [created.id])
        #expect(next.data.first?.metadata == metadata)
    }

    @Test(arguments: [
        (#"{"job": 5}"#, "metadata.job"),
        (#"{"job": true}"#, "metadata.job"),
        (#"{"job": {"nested": "x"}}"#, "metadata.job"),
        (#"["job"]"#, "metadata"),
        (#""job""#, "metadata"),
    ])
    func metadataOtherThanStringsIsRefused(metadata: String, param: String) async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        let body = #"{"input_file_id": "\#(file.id)", "endpoint": "/v1/chat/completions", "completion_window": "24h", "metadata": \#(metadata)}"#
        let response = try await harness.request("POST", "/v1/batches", body: Array(body.utf8))
        #expect(response.status == 400, "\(response.text)")
        let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)).error
        #expect(envelope.param == param)
        #expect(try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches").data.isEmpty)
    }

    @Test func lengthsCountCodePoints() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        // 33 letters with a combining accent: 33 characters to Swift, 66 code points to a JSON Schema.
        let key = String(repeating: "e\u{301}", count: 33)
        let body = try JSONEncoder().encode(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: [key: "x"]))
        #expect(try await harness.request("POST", "/v1/batches", body: Array(body)).status == 400)
    }
}
