import BatchCore
import Foundation
import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The simulator bills with the service's token counter: each line's `usage` and the enqueued-token cap
/// come from `SimulatorConfiguration.tokenCounter` (before, a quarter of the bytes).
struct SimulatorTokenTests {
    /// A counter whose vocabulary is the 256 single bytes: a text has as many tokens as UTF-8 bytes, so an
    /// exact count that differs from any byte-based guess shows.
    static func byteCounter() throws -> RequestTokenCounter {
        let lines = (0...255).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }.joined(separator: "\n")
        return RequestTokenCounter(encodings: [try BPEEncoding(name: .o200kBase, tiktoken: Array(lines.utf8))])
    }

    static func tokens(of content: String, _ counter: RequestTokenCounter) -> [Int] {
        content.split(separator: "\n").map { counter.tokens(ofLine: String($0)).input }
    }

    /// Worked out ahead (no latency) and streamed (latency): the same usage, line by line and for the batch.
    @Test(arguments: [Duration.zero, .milliseconds(1)])
    func chatUsageIsTheCountersCount(latency: Duration) async throws {
        let counter = try Self.byteCounter()
        let content = SimulatorHarness.chatLines(6) { "Explain topic \($0), the café's menu, 日本語." }
        let harness = try SimulatorHarness.start {
            $0.requestLatency = latency
            $0.tokenCounter = counter
        }
        defer { Task { try await harness.stop() } }
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: try await harness.uploadFile(content).id).id)
        #expect(batch.status == .completed)
        let output = try await harness.content(try #require(batch.outputFileID))
        let expected = Self.tokens(of: content, counter)
        #expect(expected.allSatisfy { $0 > 20 })
        #expect(output.map { $0.response?.body["usage"]?["prompt_tokens"]?.intValue } == expected)
        for line in output {
            let usage = try #require(line.response?.body["usage"])
            #expect(usage["total_tokens"]?.intValue == (usage["prompt_tokens"]?.intValue ?? 0) + (usage["completion_tokens"]?.intValue ?? -1))
        }
        #expect(batch.usage?.inputTokens == expected.reduce(0, +))
    }

    /// The responses API (answered through the responder's JSON value) bills `input_tokens` the same way.
    @Test(arguments: [Duration.zero, .milliseconds(1)])
    func responsesUsageIsTheCountersCount(latency: Duration) async throws {
        let counter = try Self.byteCounter()
        let content = (1...3).map { index in
            #"{"custom_id":"r-\#(index)","method":"POST","url":"/v1/responses","body":{"model":"gpt-5","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"Question \#(index)"}]}]}}"#
        }.joined(separator: "\n") + "\n"
        let harness = try SimulatorHarness.start {
            $0.requestLatency = latency
            $0.tokenCounter = counter
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(content)
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id, endpoint: "/v1/responses").id)
        #expect(batch.status == .completed)
        let output = try await harness.content(try #require(batch.outputFileID))
        // instructions 9 + item (3 + "user" 4 + "Question N" 10).
        #expect(output.map { $0.response?.body["usage"]?["input_tokens"]?.intValue } == [26, 26, 26])
        #expect(Self.tokens(of: content, counter) == [26, 26, 26])
    }

    /// The cap counts the counter's tokens: a cap between one and two copies of a file's tokens admits one
    /// batch at a time (with bytes / 4, the cap would refuse even the first: the lines' JSON is most of
    /// their bytes).
    @Test func enqueuedCapCountsTheCountersTokens() async throws {
        let counter = try Self.byteCounter()
        let content = SimulatorHarness.chatLines(4)
        let tokens = Self.tokens(of: content, counter).reduce(0, +)
        #expect((content.utf8.count + 3) / 4 > tokens + tokens / 2)
        let harness = try SimulatorHarness.start {
            // Long enough that the first batch still runs when the second is validated, even on a loaded machine.
            $0.requestLatency = .seconds(1)
            $0.tokenCounter = counter
            $0.enqueuedTokenLimit = tokens + tokens / 2
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(content)
        let running = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(running.id) { $0.status == .inProgress }
        let refused = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(refused.errors?.data.first?.code == "token_limit_exceeded")
        #expect(try await harness.waitFor(running.id).status == .completed)
    }

    /// A cap per model (`model=N,...`): the named model's, else the one for every model (none here).
    @Test func capsArePerModel() async throws {
        let harness = try SimulatorHarness.start { $0.enqueuedTokenLimitPerModel = ["gpt-4o-mini": 1] }
        defer { Task { try await harness.stop() } }
        let limited = try await harness.uploadFile(SimulatorHarness.chatLines(2))
        let refused = try await harness.waitFor(try await harness.createBatch(fileID: limited.id).id)
        #expect(refused.errors?.data.first?.code == "token_limit_exceeded")
        #expect(refused.errors?.data.first?.message.contains("Limit: 1 enqueued tokens") == true)
        let other = try await harness.uploadFile(SimulatorHarness.chatLines(2, model: "gpt-4.1"))
        #expect(try await harness.waitFor(try await harness.createBatch(fileID: other.id).id).status == .completed)
    }

    @Test func limitOfAModel() {
        var configuration = SimulatorConfiguration()
        configuration.enqueuedTokenLimit = 10
        configuration.enqueuedTokenLimitPerModel = ["gpt-4o": 5]
        #expect(configuration.enqueuedTokenLimit(for: "gpt-4o") == 5)
        #expect(configuration.enqueuedTokenLimit(for: "gpt-4.1") == 10)
        #expect(configuration.enqueuedTokenLimit(for: nil) == 10)
    }
}
