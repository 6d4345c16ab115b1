import BatchCore
import Foundation
import Gzip
import Testing
import TestSupport

@testable import BatchService

/// Cutting an input into parts: by lines, bytes, tokens and model, in input order, each part a valid
/// batch file on disk whose hash and counts the plan states.
@Suite("Job plan: splitting")
struct PlanSplitTests {
    /// Plans `text` (written to `inputs/<name>`) under `limits` with the test counter.
    static func plan(_ text: String, limits: JobLimits, name: String = "job.jsonl", jobName: String? = nil,
                     fixture: MemoryFixture) async throws -> StagedPlan {
        try fixture.writeInput(text, name: name)
        return try await fixture.coordinator().plan(.path(name), jobName: jobName, limits: limits, counter: PlanTestCounter())
    }

    /// The lines of each part's file, read back.
    static func partLines(_ staged: StagedPlan) throws -> [[String]] {
        try staged.plan.parts.map { part in
            try String(contentsOfFile: staged.path(of: part), encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    static func ids(_ lines: [String]) -> [String] {
        lines.map { line in String(line.split(separator: "\"")[3]) }
    }

    @Test func cutsByLinesInInputOrder() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.lines(10)
        let staged = try await Self.plan(text, limits: JobLimits(maxBatchLines: 4), fixture: fixture)
        #expect(staged.plan.parts.map(\.requestCount) == [4, 4, 2])
        #expect(staged.plan.parts.map(\.firstLine) == [1, 5, 9])
        #expect(staged.plan.parts.map(\.file) == ["parts/0000.jsonl", "parts/0001.jsonl", "parts/0002.jsonl"])
        let lines = try Self.partLines(staged)
        #expect(lines.flatMap { $0 } == text.split(separator: "\n").map(String.init))
        #expect(staged.plan.requestCount == 10)
        #expect(staged.plan.byteCount == Int64(text.utf8.count))
        #expect(staged.plan.inputSHA256 == SHA256.hex(of: Array(text.utf8)))
        #expect(staged.plan.endpoint == "/v1/chat/completions")
        for part in staged.plan.parts {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staged.path(of: part))))
            #expect(part.sha256 == SHA256.hex(of: bytes))
            #expect(part.byteCount == Int64(bytes.count))
            #expect(part.model == "gpt-4o-mini")
        }
        #expect(fixture.backend.calls.isEmpty)
        await fixture.coordinator().discardPlan(staged)
        #expect(!FileManager.default.fileExists(atPath: staged.folder))
    }

    @Test func cutsByBytesNeverCuttingALine() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.lines(7)
        let lineBytes = Int64(PlanLines.line("r-1").utf8.count + 1)
        // Room for two lines and a half: a third line never goes in cut.
        let staged = try await Self.plan(text, limits: JobLimits(maxBatchBytes: lineBytes * 5 / 2), fixture: fixture)
        #expect(staged.plan.parts.map(\.requestCount) == [2, 2, 2, 1])
        #expect(staged.plan.parts.allSatisfy { $0.byteCount <= lineBytes * 5 / 2 })
        #expect(try Self.partLines(staged).flatMap { $0 } == text.split(separator: "\n").map(String.init))
    }

    @Test func cutsByEachModelsTokenBudget() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = (1...5).map { PlanLines.line("a-\($0)", model: "gpt-4o", tokens: 3, maxTokens: 10) }
            + (1...4).map { PlanLines.line("b-\($0)", model: "gpt-4o-mini", tokens: 4) }
        let budget = EnqueuedTokenBudget(perModel: ["gpt-4o": 7], fallback: 8)
        let staged = try await Self.plan(lines.joined(separator: "\n") + "\n", limits: JobLimits(enqueuedTokens: budget), fixture: fixture)
        #expect(staged.plan.parts.map(\.model) == ["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini", "gpt-4o-mini"])
        #expect(staged.plan.parts.map(\.requestCount) == [2, 2, 1, 2, 2])
        #expect(staged.plan.parts.map(\.inputTokens) == [6, 6, 3, 8, 8])
        #expect(staged.plan.parts.map(\.outputTokenCeiling) == [20, 20, 10, nil, nil])
        #expect(staged.plan.parts.allSatisfy { $0.exactTokens })
        #expect(staged.plan.parts.allSatisfy { $0.inputTokens <= budget.limit(for: $0.model)! })
    }

    @Test func groupsByModelKeepingInputOrderWithinEach() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let models = ["m-a", "m-b", "m-a", "m-c", "m-b", "m-a", "m-a"]
        let text = models.enumerated().map { PlanLines.line("id-\($0.offset + 1)", model: $0.element) }.joined(separator: "\n") + "\n"
        let staged = try await Self.plan(text, limits: JobLimits(maxBatchLines: 3), fixture: fixture)
        // Parts in the order they were begun: by the line of their first request.
        #expect(staged.plan.parts.map(\.model) == ["m-a", "m-b", "m-c", "m-a"])
        #expect(staged.plan.parts.map(\.firstLine) == [1, 2, 4, 7])
        #expect(try Self.partLines(staged).map(Self.ids) == [["id-1", "id-3", "id-6"], ["id-2", "id-5"], ["id-4"], ["id-7"]])
    }

    @Test func aLastLineWithoutNewlineGetsOneInItsPart() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.line("r-1") + "\n" + PlanLines.line("r-2")
        let staged = try await Self.plan(text, limits: JobLimits(), fixture: fixture)
        #expect(staged.plan.byteCount == Int64(text.utf8.count))
        #expect(try String(contentsOfFile: staged.path(of: staged.plan.parts[0]), encoding: .utf8) == text + "\n")
        #expect(staged.plan.parts[0].byteCount == Int64(text.utf8.count + 1))
    }

    /// Lines that straddle the reader's 1 MiB chunks land whole, in order, in the right parts.
    @Test func linesAcrossReadChunksStayWhole() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = (1...12_000).map { PlanLines.line("r-\($0)", model: $0 % 5 == 0 ? "other" : "gpt-4o-mini", padding: $0 % 300) }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 3 << 20)
        let staged = try await Self.plan(text, limits: JobLimits(maxBatchLines: 3_001), fixture: fixture)
        let read = try Self.partLines(staged)
        #expect(read.map(\.count) == staged.plan.parts.map(\.requestCount))
        #expect(read.flatMap { $0 }.sorted() == lines.sorted())
        for (part, partLines) in zip(staged.plan.parts, read) {
            #expect(partLines.allSatisfy { $0.contains(#""model":"\#(part.model!)""#) })
            let numbers = Self.ids(partLines).map { Int($0.dropFirst(2))! }
            #expect(numbers == numbers.sorted())
        }
    }

    /// An input of more models than parts may be open at once still ends in valid parts, each of one model.
    @Test func manyModelsCloseIdleParts() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let count = InputSplitter.maxOpenParts * 3
        let text = (1...count * 2).map { PlanLines.line("r-\($0)", model: "m-\($0 % count)") }.joined(separator: "\n") + "\n"
        let staged = try await Self.plan(text, limits: JobLimits(), fixture: fixture)
        let read = try Self.partLines(staged)
        #expect(read.flatMap { $0 }.count == count * 2)
        for (part, partLines) in zip(staged.plan.parts, read) {
            #expect(partLines.allSatisfy { $0.contains(#""model":"\#(part.model!)""#) })
        }
    }

    @Test func aGzipInputIsPlannedFromItsLines() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.lines(6)
        try Data(try GzipCompressor.compress(Array(text.utf8))).write(to: URL(fileURLWithPath: fixture.workspace.inputsDirectory + "/job.jsonl.gz"))
        let staged = try await fixture.coordinator().plan(.path("job.jsonl.gz"), jobName: nil, limits: JobLimits(maxBatchLines: 4), counter: PlanTestCounter())
        #expect(staged.plan.parts.map(\.requestCount) == [4, 2])
        #expect(staged.plan.inputSHA256 == SHA256.hex(of: Array(text.utf8)))
    }

    @Test func inlineRequestsArePlannedToo() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let lines = (1...3).map { PlanLines.line("r-\($0)") }
        let staged = try await fixture.coordinator().plan(.lines(lines), jobName: "inline", limits: JobLimits(maxBatchLines: 2), counter: PlanTestCounter())
        #expect(staged.plan.parts.map(\.requestCount) == [2, 1])
        #expect(staged.plan.jobName == "inline")
    }

    @Test func aDryRunWritesNothingAndPlansTheSame() async throws {
        let fixture = try MemoryFixture.make()
        defer { fixture.remove() }
        let text = PlanLines.lines(9, tokens: 2)
        try fixture.writeInput(text, name: "job.jsonl")
        let coordinator = fixture.coordinator()
        let limits = JobLimits(maxBatchLines: 4)
        let before = fixture.outputEntries()
        let dry = try await coordinator.dryRunPlan(.path("job.jsonl"), jobName: "n", limits: limits, counter: PlanTestCounter())
        #expect(fixture.outputEntries() == before)
        let staged = try await coordinator.plan(.path("job.jsonl"), jobName: "n", limits: limits, counter: PlanTestCounter())
        // The same plan, but for the parts' hashes: a dry run writes no part, so it hashes none.
        #expect(dry.parts.allSatisfy { $0.sha256.isEmpty })
        var hashed = dry
        for index in hashed.parts.indices { hashed.parts[index].sha256 = staged.plan.parts[index].sha256 }
        #expect(hashed == staged.plan)
        #expect(fixture.backend.calls.isEmpty)
    }
}
