import Foundation
import OutputParser
import Testing

/// Embeddings and moderations are data, not failures: one line per result in a data file, in input
/// order, listed as `ok` (issue 11 §6).
struct DataResultTests {
    static let vector1 = "[0.0023064255,-0.009327292,1e-05]"
    static let vector2 = "[-2.5E-7,0,0.5]"
    static let vector3 = "[1.0,2.0,3.0]"

    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
    }

    @Test func embeddingsGoToOneFileInInputOrderWithTheirExactDigits() throws {
        // Output order differs from input order, as the reference allows.
        let batch = try BatchFolder(output: [
            ResultFixtures.embedding("e3", [(0, Self.vector3)]),
            ResultFixtures.embedding("e1", [(0, Self.vector1)]),
            ResultFixtures.embedding("e2", [(0, Self.vector2)], stringBody: true),
        ])
        defer { batch.root.remove() }
        try batch.write("input.jsonl", ResultFixtures.inputLines(["e1", "e2", "e3"]))
        let index = try batch.parse()
        #expect(index.failed == 0)
        #expect(index.processed == 3)
        #expect(index.items.map(\.status) == [.ok, .ok, .ok])
        #expect(index.items.map(\.file) == ["embeddings.jsonl", "embeddings.jsonl", "embeddings.jsonl"])
        #expect(batch.files() == ["embeddings.jsonl"])
        #expect(Self.lines(batch.document("embeddings.jsonl")) == [
            #"{"custom_id":"e1","model":"text-embedding-3-small","embedding":[0.0023064255,-0.009327292,1e-05]}"#,
            #"{"custom_id":"e2","model":"text-embedding-3-small","embedding":[-2.5E-7,0,0.5]}"#,
            #"{"custom_id":"e3","model":"text-embedding-3-small","embedding":[1.0,2.0,3.0]}"#,
        ])
    }

    @Test func severalInputsInOneRequestKeepTheirIndexOrder() throws {
        let batch = try BatchFolder(output: [ResultFixtures.embedding("multi", [(1, Self.vector2), (0, Self.vector1)])])
        defer { batch.root.remove() }
        try batch.parse()
        #expect(Self.lines(batch.document("embeddings.jsonl")) == [
            #"{"custom_id":"multi","model":"text-embedding-3-small","embeddings":[[0.0023064255,-0.009327292,1e-05],[-2.5E-7,0,0.5]]}"#,
        ])
    }

    @Test func moderationsGoToTheirOwnFileBesideDocuments() throws {
        let results = #"[{"flagged":false,"categories":{"hate":false},"category_scores":{"hate":1.2e-06}}]"#
        let batch = try BatchFolder(output: [
            ResultFixtures.moderation("m1", results: results),
            ResultFixtures.chat("chat", "text"),
            ResultFixtures.embedding("e1", [(0, Self.vector1)]),
        ])
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.items.map(\.status) == [.ok, .processed, .ok])
        #expect(index.items.map(\.file) == ["moderations.jsonl", "chat.md", "embeddings.jsonl"])
        #expect(batch.files() == ["chat.md", "embeddings.jsonl", "moderations.jsonl"])
        #expect(Self.lines(batch.document("moderations.jsonl")) == [
            #"{"custom_id":"m1","model":"omni-moderation-latest","results":\#(results)}"#,
        ])
    }

    @Test func aSecondRunLeavesTheDataFileAndForceRewritesIt() throws {
        let batch = try BatchFolder(output: [ResultFixtures.embedding("e1", [(0, Self.vector1)])])
        defer { batch.root.remove() }
        try batch.parse()
        let before = batch.snapshot()
        let second = try batch.parse()
        #expect(second.skipped == 1 && second.processed == 0)
        #expect(second.items.map(\.status) == [.ok])
        #expect(batch.snapshot() == before)
        let forced = try batch.parse(ParseOptions(force: true))
        #expect(forced.processed == 1)
        #expect(batch.snapshot()["embeddings.jsonl"] != before["embeddings.jsonl"])
        #expect(Self.lines(batch.document("embeddings.jsonl")).count == 1)
    }

    @Test func aBodyWithNeitherTextNorDataIsStillAFailure() throws {
        let line = #"{"id":"r","custom_id":"odd","response":{"status_code":200,"request_id":"q","body":{"object":"list","data":[]}},"error":null}"#
        let batch = try BatchFolder(output: [line])
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(index.items.map(\.status) == [.error])
        #expect(index.items.first?.error?.code == "no_content")
    }
}
