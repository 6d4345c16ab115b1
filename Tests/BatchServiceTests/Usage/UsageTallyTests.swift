@testable import BatchService
import Foundation
import TestSupport
import Testing

@Suite("Usage tally")
struct UsageTallyTests {
    static func tally(_ lines: String...) -> UsageTally {
        var tally = UsageTally()
        for line in lines {
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBytes { tally.add(line: UnsafeRawBufferPointer($0)) }
        }
        return tally
    }

    @Test func chatCountsPromptCachedCompletionAndReasoningTokens() {
        let tally = Self.tally(UsageResultLines.chat)
        #expect(tally.models == ["o3-2025-04-16": UsageTokens(requests: 1, input: 1200, cachedInput: 1024, output: 800, reasoning: 640)])
    }

    @Test func responsesCountInputCachedOutputAndReasoningTokens() {
        let tally = Self.tally(UsageResultLines.responses)
        #expect(tally.models == ["gpt-5-mini-2025-08-07": UsageTokens(requests: 1, input: 2048, cachedInput: 1536, output: 300, reasoning: 256)])
    }

    @Test func embeddingsCountPromptTokensOnly() {
        let tally = Self.tally(UsageResultLines.embedding)
        #expect(tally.models == ["text-embedding-3-small": UsageTokens(requests: 1, input: 8)])
    }

    @Test func linesWithoutUsageCountNothingAndBrokenLinesAreCountedApart() {
        let tally = Self.tally(UsageResultLines.refused, UsageResultLines.expired, UsageResultLines.moderation, "", "{not json", "[1,2]")
        #expect(tally.models.isEmpty)
        #expect(tally.unreadableLines == 2)
    }

    @Test func aFileIsTalliedPerModelLineByLine() throws {
        let directory = try TemporaryDirectory(prefix: "usage-tally")
        defer { directory.remove() }
        let path = directory.path + "/output.jsonl"
        // The same lines twice: counts add up per model.
        try (UsageResultLines.file + "\n" + UsageResultLines.file).write(toFile: path, atomically: true, encoding: .utf8)
        let tally = try UsageTally.tally(file: path)
        #expect(tally.models.count == 4)
        #expect(tally.models["o3-2025-04-16"] == UsageTokens(requests: 2, input: 2400, cachedInput: 2048, output: 1600, reasoning: 1280))
        #expect(tally.models["acme-large-2025-01-01"] == UsageTokens(requests: 2, input: 20, output: 10))
        #expect(tally.total.requests == 8)
        #expect(tally.total.input == 2 * (1200 + 2048 + 8 + 10))
        #expect(tally.unreadableLines == 2)
    }

    @Test func tallyOfALargeVectorSkipsItWithoutKeepingIt() {
        let vector = (0..<50_000).map { _ in "0.0123456789" }.joined(separator: ",")
        let line = #"{"custom_id":"e","response":{"status_code":200,"body":{"object":"list","data":[{"embedding":["# + vector
            + #"]}],"model":"text-embedding-3-large","usage":{"prompt_tokens":3,"total_tokens":3}}}}"#
        #expect(Self.tally(line).models == ["text-embedding-3-large": UsageTokens(requests: 1, input: 3)])
    }

    @Test func talliesAdd() {
        let sum = Self.tally(UsageResultLines.chat) + Self.tally(UsageResultLines.chat, UsageResultLines.embedding)
        #expect(sum.models["o3-2025-04-16"]?.requests == 2)
        #expect(sum.models["text-embedding-3-small"]?.input == 8)
    }
}
