import Foundation
import OutputParser
import Testing

/// index.json describes every request of the batch, whatever `only` and `force` select (issue 11 §3).
struct IndexCompletenessTests {
    /// Input a, b, c, d; results for a, b (output) and c (error file); d never ran.
    static func batch() throws -> BatchFolder {
        let batch = try BatchFolder(
            output: [ResultFixtures.chat("a", "A"), ResultFixtures.chat("b", "B")],
            errors: [ResultFixtures.expired("c")]
        )
        try batch.write("input.jsonl", ResultFixtures.inputLines(["a", "b", "c", "d"]))
        return batch
    }

    static func statuses(_ index: ParseIndex) -> [String] {
        index.items.map { "\($0.customID ?? "?")=\($0.status.rawValue)" }
    }

    @Test func missingRequestsAreListedInInputOrder() throws {
        let batch = try Self.batch()
        defer { batch.root.remove() }
        let index = try batch.parse()
        #expect(Self.statuses(index) == ["a=processed", "b=processed", "c=error", "d=missing"])
        #expect(index.missing == 1)
        #expect(index.items.last?.file == nil)
        let text = try String(contentsOfFile: batch.path + "/index.json", encoding: .utf8)
        #expect(text.contains("\"missing\" : 1"))
        #expect(text.contains("\"status\" : \"missing\""))
    }

    @Test func onlyUpdatesItsEntriesAndTheOthersStay() throws {
        let batch = try Self.batch()
        defer { batch.root.remove() }
        try batch.parse()
        let forced = try batch.parse(ParseOptions(force: true, only: ["b"]))
        #expect(Self.statuses(forced) == ["a=processed", "b=processed", "c=error", "d=missing"])
        #expect(forced.processed == 1)
        #expect(forced.failed == 0)
        let onlyA = try batch.parse(ParseOptions(only: ["a"]))
        #expect(Self.statuses(onlyA) == ["a=skipped", "b=processed", "c=error", "d=missing"])
        // What the run returned is what index.json says.
        let data = try #require(FileManager.default.contents(atPath: batch.path + "/index.json"))
        #expect(try JSONDecoder().decode(ParseIndex.self, from: data) == onlyA)
    }

    @Test func aFirstRunWithOnlyDescribesTheOthersAsPending() throws {
        let batch = try Self.batch()
        defer { batch.root.remove() }
        let index = try batch.parse(ParseOptions(only: ["b"]))
        #expect(Self.statuses(index) == ["a=pending", "b=processed", "c=error", "d=missing"])
        #expect(index.items.first?.file == "a.md")
        #expect(batch.files() == ["b.md"])
    }

    @Test func onlyMayNameAMissingRequest() throws {
        let batch = try Self.batch()
        defer { batch.root.remove() }
        let index = try batch.parse(ParseOptions(only: ["d"]))
        #expect(index.processed == 0)
        #expect(Self.statuses(index).last == "d=missing")
    }

    @Test func anUnknownOnlyIDIsAnErrorThatTouchesNothing() throws {
        let batch = try Self.batch()
        defer { batch.root.remove() }
        #expect(throws: ParseError.unknownIDs(["nope", "zz"])) { try batch.parse(ParseOptions(only: ["a", "zz", "nope"])) }
        #expect(!FileManager.default.fileExists(atPath: batch.docs))
        #expect(!FileManager.default.fileExists(atPath: batch.path + "/index.json"))
        try batch.parse()
        let before = try #require(FileManager.default.contents(atPath: batch.path + "/index.json"))
        let error = try #require(throws: ParseError.self) { try batch.parse(ParseOptions(only: ["zz"])) }
        #expect(error.unknownIDs == ["zz"])
        #expect(error.description.contains("'zz'"))
        #expect(FileManager.default.contents(atPath: batch.path + "/index.json") == before)
    }

    @Test func withoutAnInputTheResultFilesSayWhichIDsExist() throws {
        let batch = try BatchFolder(output: [ResultFixtures.chat("a", "A"), ResultFixtures.chat("b", "B")])
        defer { batch.root.remove() }
        let index = try batch.parse(ParseOptions(only: ["b"]))
        #expect(Self.statuses(index) == ["a=pending", "b=processed"])
        #expect(index.missing == 0)
        #expect(throws: ParseError.unknownIDs(["c"])) { try batch.parse(ParseOptions(only: ["c"])) }
    }
}
